/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-platform init DIR: CA, certificates, configs, keys, admin password. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "services/platform/files.h"
#include "services/platform/pki.h"
#include "services/platform/platform.h"
#include "services/platform/services_table.h"
#include "services/platform/users.h"

#define CERT_DAYS 825
#define MAX_SERVICES 16
/* Each service's log: rotated at 8 MiB, 4 files kept (32 MiB at most). */
#define LOG_MAX_BYTES (8 << 20)
#define LOG_FILES 4

struct ports {
	int fds[2 * MAX_SERVICES];
	int n;
};

/* A free loopback port: bound now and held until init ends, so two
 * services never get the same one. */
static int pick_port(struct ports *p)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	p->fds[p->n++] = fd;
	return ntohs(a.sin_port);
}

static void release_ports(struct ports *p)
{
	for (int i = 0; i < p->n; i++)
		close(p->fds[i]);
	p->n = 0;
}

/* DIR must not exist or be an empty directory. */
static int prepare_dir(const char *dir)
{
	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *e;
	int used = 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			used = 1;
	closedir(d);
	if (used)
		return -EEXIST;
	return chmod(dir, 0700) == 0 ? 0 : -errno;
}

static int make_subdir(const char *dir, const char *name)
{
	char path[4096];
	int rc = path_join(path, sizeof(path), dir, name);
	if (!rc && mkdir(path, 0700) != 0)
		rc = -errno;
	return rc;
}

static int write_identity(const char *dir, const struct pki_ca *ca,
			  const char *cn, int server)
{
	EVP_PKEY *key;
	X509 *cert;
	int rc = pki_issue(ca, cn, server, CERT_DAYS, &key, &cert);
	if (rc)
		return rc;
	char path[4096], name[128];
	snprintf(name, sizeof(name), "certs/%s.key", cn);
	rc = path_join(path, sizeof(path), dir, name);
	if (!rc)
		rc = pki_write_key(path, key);
	snprintf(name, sizeof(name), "certs/%s.pem", cn);
	if (!rc)
		rc = path_join(path, sizeof(path), dir, name);
	if (!rc)
		rc = pki_write_cert(path, cert);
	EVP_PKEY_free(key);
	X509_free(cert);
	return rc;
}

static int write_ca(const char *dir, struct pki_ca *ca)
{
	int rc = pki_ca_create(ca, "Kettle platform CA", CERT_DAYS);
	char path[4096];
	if (!rc)
		rc = path_join(path, sizeof(path), dir, PLATFORM_CA_CERT);
	if (!rc)
		rc = pki_write_cert(path, ca->cert);
	if (!rc)
		rc = path_join(path, sizeof(path), dir, "keys/ca.key");
	if (!rc)
		rc = pki_write_key(path, ca->key);
	return rc;
}

static void to_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int write_storage_key(const char *dir, char *key_id, size_t idlen)
{
	unsigned char key[32], id[8];
	if (RAND_bytes(key, sizeof(key)) != 1 || RAND_bytes(id, sizeof(id)) != 1)
		return -EIO;
	char hex[2 * sizeof(id) + 1];
	to_hex(id, sizeof(id), hex);
	snprintf(key_id, idlen, "key-%s", hex);
	char path[4096];
	int rc = path_join(path, sizeof(path), dir, PLATFORM_STORAGE_KEY);
	if (!rc)
		rc = file_create(path, key, sizeof(key), 0600);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* 24 characters from a 64-symbol alphabet: 144 bits. */
static int make_password(char *out, size_t len)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char r[24];
	if (len < sizeof(r) + 1 || RAND_bytes(r, sizeof(r)) != 1)
		return -EIO;
	for (size_t i = 0; i < sizeof(r); i++)
		out[i] = alphabet[r[i] & 63];
	out[sizeof(r)] = '\0';
	OPENSSL_cleanse(r, sizeof(r));
	return 0;
}

static json_t *listen_obj(int port)
{
	return json_pack("{s:s,s:i}", "address", "127.0.0.1", "port", port);
}

/* Its jail (lib/jail.h): its own files read-only, its data and log
 * directories writable, its peers' ports, and its user when init runs as
 * root. Paths are relative to DIR like every path in the config. */
static json_t *jail_obj(const struct platform_service **svcs, size_t n, size_t i,
			const int *ports, const struct service_user *u)
{
	const struct platform_service *s = svcs[i];
	char cert[128], key[128], data[128], logs[128];
	snprintf(cert, sizeof(cert), "certs/%s.pem", s->name);
	snprintf(key, sizeof(key), "certs/%s.key", s->name);
	snprintf(data, sizeof(data), "data/%s", s->name);
	snprintf(logs, sizeof(logs), "logs/%s", s->name);
	json_t *j = json_pack("{s:[s,s,s],s:[s,s],s:[]}", "read", cert, key, PLATFORM_CA_CERT,
			      "write", data, logs, "connect");
	if (!j)
		return NULL;
	json_t *read = json_object_get(j, "read"), *connect = json_object_get(j, "connect");
	for (const char *const *f = s->own_files; f && *f; f++)
		json_array_append_new(read, json_string(*f));
	for (const char *const *c = s->calls; c && *c; c++)
		for (size_t k = 0; k < n; k++)
			if (strcmp(svcs[k]->name, *c) == 0)
				json_array_append_new(connect, json_integer(ports[k]));
	if (u->uid) {
		json_object_set_new(j, "uid", json_integer(u->uid));
		json_object_set_new(j, "gid", json_integer(u->gid));
	}
	return j;
}

/* The framework's limits (services/common/config.h), written out so an
 * operator sees and tunes them. Bodies: a 4 MiB value travels base64 in
 * JSON (6 MiB), a blob is up to 64 MiB of raw bytes (API.md). */
static json_t *limits_obj(const char *service)
{
	/* Only storage takes whole 4 MiB values; the others' JSON bodies are
	 * logins, records and function descriptions (a payload is at most
	 * 512 KiB). Blob routes have their own limit. */
	json_int_t max_body = strcmp(service, "storage") == 0 ? (json_int_t)6 << 20
							     : (json_int_t)1 << 20;
	return json_pack("{s:I,s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:i}",
		"max_body", max_body, "max_blob_body", (json_int_t)64 << 20,
		"max_connections", 256, "max_per_peer", 64, "max_handshakes", 32,
		"timeout_ms", 10000, "handshake_ms", 3000, "header_ms", 5000,
		"min_body_rate", 65536, "call_timeout_ms", 800, "workers", 8,
		"max_json_depth", 32);
}

static int write_configs(const char *dir, const struct platform_service **svcs,
			 size_t n, const int *ports, const int *public_ports,
			 const struct init_secrets *secrets,
			 const struct service_user *users)
{
	json_t *peers = json_object();
	for (size_t i = 0; i < n; i++) {
		char url[64];
		snprintf(url, sizeof(url), "https://127.0.0.1:%d", ports[i]);
		json_object_set_new(peers, svcs[i]->name, json_string(url));
	}
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		const struct platform_service *s = svcs[i];
		char cert[128], key[128], data[128], name[128], path[4096];
		snprintf(cert, sizeof(cert), "certs/%s.pem", s->name);
		snprintf(key, sizeof(key), "certs/%s.key", s->name);
		snprintf(data, sizeof(data), "data/%s", s->name);
		json_t *cfg = json_pack("{s:s,s:o,s:{s:s,s:s,s:s},s:s,s:o,s:O}",
			"service", s->name, "listen", listen_obj(ports[i]),
			"tls", "cert", cert, "key", key, "ca", PLATFORM_CA_CERT,
			"data_dir", data, "limits", limits_obj(s->name),
			"peers", peers);
		if (!cfg) {
			rc = -ENOMEM;
			break;
		}
		if (s->public_listener)
			json_object_set_new(cfg, "public", listen_obj(public_ports[i]));
		/* The service writes and rotates its own log (lib/log) in a
		 * directory only it may write. */
		char log_file[160];
		snprintf(log_file, sizeof(log_file), "logs/%s/%s.log", s->name, s->name);
		json_object_set_new(cfg, "log", json_pack("{s:s,s:i,s:i}", "file", log_file,
							   "max_bytes", LOG_MAX_BYTES,
							   "files", LOG_FILES));
		json_t *jail = jail_obj(svcs, n, i, ports, &users[i]);
		if (!jail || json_object_set_new(cfg, "jail", jail))
			rc = -ENOMEM;
		if (s->add_config && s->add_config(cfg, secrets))
			rc = -ENOMEM;
		snprintf(name, sizeof(name), "%s.json", s->name);
		if (!rc)
			rc = path_join(path, sizeof(path), dir, name);
		if (!rc)
			rc = make_subdir(dir, data);
		snprintf(name, sizeof(name), "logs/%s", s->name);
		if (!rc)
			rc = make_subdir(dir, name);
		if (!rc)
			rc = file_create_json(path, cfg, 0600);
		json_decref(cfg);
	}
	json_decref(peers);
	return rc;
}

static int write_manifest(const char *dir, const struct platform_service **svcs,
			  size_t n, const int *public_ports,
			  const struct service_user *users)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		char cfg[128];
		snprintf(cfg, sizeof(cfg), "%s.json", svcs[i]->name);
		json_t *e = json_pack("{s:s,s:s,s:s,s:i}",
			"name", svcs[i]->name, "binary", svcs[i]->binary,
			"config", cfg, "public_port", public_ports[i]);
		if (e && users[i].uid) {
			json_object_set_new(e, "uid", json_integer(users[i].uid));
			json_object_set_new(e, "gid", json_integer(users[i].gid));
		}
		json_array_append_new(list, e);
	}
	json_t *m = json_pack("{s:i,s:o,s:s,s:s,s:s}", "version", 1, "services", list,
			      "ca", PLATFORM_CA_CERT, "client_cert", PLATFORM_CLIENT_CERT,
			      "client_key", PLATFORM_CLIENT_KEY);
	char path[4096];
	int rc = m ? path_join(path, sizeof(path), dir, PLATFORM_MANIFEST) : -ENOMEM;
	if (!rc)
		rc = file_create_json(path, m, 0600);
	json_decref(m);
	return rc;
}

/* Each service's user: those given, the others allocated when init runs
 * as root; without root, none (the services keep the caller's uid). */
static int choose_users(const struct platform_service **svcs, size_t n,
			const struct service_user *given, size_t n_given,
			struct service_user *users)
{
	for (size_t i = 0; i < n; i++)
		users[i] = (struct service_user){ svcs[i]->name, 0, 0 };
	for (size_t g = 0; g < n_given; g++) {
		size_t i = 0;
		while (i < n && strcmp(users[i].name, given[g].name) != 0)
			i++;
		if (i == n) {
			fprintf(stderr, "kettle-platform: --user %s: this platform has no such service\n",
				given[g].name);
			return -EINVAL;
		}
		users[i].uid = given[g].uid;
		users[i].gid = given[g].gid;
	}
	if (geteuid() != 0) {
		if (n_given)
			fprintf(stderr, "kettle-platform: --user needs init to run as root (it gives the service its files)\n");
		return n_given ? -EPERM : 0;
	}
	int rc = users_allocate(users, n);
	if (rc)
		fprintf(stderr, "kettle-platform: no free block of user ids from %#x: %s; give them with --user\n",
			USERS_FIRST_ID, strerror(-rc));
	return rc;
}

/* Its key, data and log directories and own files become its own; the
 * rest (CA key, configs, other services' files) stays root's. */
static int give_files(const char *dir, const struct platform_service *s,
		      const struct service_user *u)
{
	char rel[128];
	snprintf(rel, sizeof(rel), "certs/%s.key", s->name);
	int rc = users_own(dir, rel, u, 0600);
	snprintf(rel, sizeof(rel), "data/%s", s->name);
	if (!rc)
		rc = users_own(dir, rel, u, 0700);
	snprintf(rel, sizeof(rel), "logs/%s", s->name);
	if (!rc)
		rc = users_own(dir, rel, u, 0700);
	for (const char *const *f = s->own_files; !rc && f && *f; f++)
		rc = users_own(dir, *f, u, 0600);
	return rc;
}

int platform_init(const char *dir, int test_services,
		  const struct service_user *given, size_t n_given)
{
	int rc = prepare_dir(dir);
	if (rc == -EEXIST) {
		fprintf(stderr, "kettle-platform: %s is not empty; refusing to overwrite an existing platform\n", dir);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "kettle-platform: cannot create %s: %s\n", dir, strerror(-rc));
		return 1;
	}
	const struct platform_service *svcs[MAX_SERVICES];
	size_t n = 0;
	for (size_t i = 0; i < platform_services_count && n < MAX_SERVICES; i++)
		if (!platform_services[i].test_only || test_services)
			svcs[n++] = &platform_services[i];

	struct service_user users[MAX_SERVICES];
	if (choose_users(svcs, n, given, n_given, users))
		return 1;

	struct pki_ca ca = { 0 };
	struct ports held = { .n = 0 };
	int ports[MAX_SERVICES] = { 0 }, public_ports[MAX_SERVICES] = { 0 };
	char key_id[64], password[32], path[4096];
	const char *step = "directories";
	const char *subdirs[] = { "certs", "keys", "logs", "run", "data" };
	for (size_t i = 0; !rc && i < sizeof(subdirs) / sizeof(subdirs[0]); i++)
		rc = make_subdir(dir, subdirs[i]);
	if (!rc) {
		step = "certificate authority";
		rc = write_ca(dir, &ca);
	}
	for (size_t i = 0; !rc && i < n; i++) {
		step = "service certificates";
		rc = write_identity(dir, &ca, svcs[i]->name, 1);
	}
	if (!rc) {
		step = "client certificate";
		rc = write_identity(dir, &ca, "client", 0);
	}
	for (size_t i = 0; !rc && i < n; i++) {
		step = "ports";
		if ((ports[i] = pick_port(&held)) < 0)
			rc = ports[i];
		else if (svcs[i]->public_listener && (public_ports[i] = pick_port(&held)) < 0)
			rc = public_ports[i];
	}
	if (!rc) {
		step = "storage key";
		rc = write_storage_key(dir, key_id, sizeof(key_id));
	}
	if (!rc) {
		step = "admin password";
		rc = make_password(password, sizeof(password));
	}
	if (!rc)
		rc = path_join(path, sizeof(path), dir, PLATFORM_ADMIN_PASSWORD);
	if (!rc)
		rc = file_create(path, password, strlen(password), 0600);
	struct init_secrets secrets = { PLATFORM_STORAGE_KEY, key_id,
					PLATFORM_ADMIN_PASSWORD, dir };
	if (!rc) {
		step = "configuration files";
		rc = write_configs(dir, svcs, n, ports, public_ports, &secrets, users);
	}
	for (size_t i = 0; !rc && i < n && users[i].uid; i++) {
		step = "ownership of the services' files";
		rc = give_files(dir, svcs[i], &users[i]);
	}
	if (!rc) {
		step = "manifest";
		rc = write_manifest(dir, svcs, n, public_ports, users);
	}
	release_ports(&held);
	pki_ca_free(&ca);
	if (rc) {
		fprintf(stderr, "kettle-platform: init of %s failed at the %s: %s; remove %s and retry\n",
			dir, step, strerror(-rc), dir);
		return 1;
	}
	printf("platform created in %s (%zu services)\n", dir, n);
	for (size_t i = 0; i < n; i++)
		if (users[i].uid)
			printf("%s runs as uid %u gid %u\n", users[i].name, (unsigned)users[i].uid,
			       (unsigned)users[i].gid);
	if (n && !users[0].uid)
		printf("not run as root: the services will keep the uid that starts them\n");
	printf("admin user: admin\nadmin password (shown once; also in %s/%s): %s\n",
	       dir, PLATFORM_ADMIN_PASSWORD, password);
	OPENSSL_cleanse(password, sizeof(password));
	return 0;
}
