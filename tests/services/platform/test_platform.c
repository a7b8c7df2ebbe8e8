/* SPDX-License-Identifier: Apache-2.0 */
/* kettle-platform: init (files, modes, certificates), refusal to overwrite,
 * start/status/stop with the test service, missing and failing services.
 * Usage: test-platform KETTLE_PLATFORM DIR_OF_KETTLE_ECHO */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "services/common/config.h"
#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/tap.h"
#include "tests/services/common/test_util.h"
#include "tests/services/platform/platform_cli.h"


static mode_t mode_of(const char *dir, const char *name)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 ? (st.st_mode & 07777) : (mode_t)-1;
}

static off_t size_of(const char *dir, const char *name)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 ? st.st_size : -1;
}

static X509 *load_cert(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "r");
	X509 *c = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	return c;
}

/* The service certificate chains to the platform CA and names the service. */
static int cert_ok(const char *dir, X509 *ca, const char *name)
{
	char file[128], cn[128] = "";
	snprintf(file, sizeof(file), "certs/%s.pem", name);
	X509 *c = load_cert(dir, file);
	if (!c)
		return 0;
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_STORE_add_cert(store, ca);
	X509_STORE_CTX_init(ctx, store, c, NULL);
	int chain = X509_verify_cert(ctx) == 1;
	X509_NAME_get_text_by_NID(X509_get_subject_name(c), NID_commonName, cn, sizeof(cn));
	EVP_PKEY *pk = X509_get0_pubkey(c);
	char group[64] = "";
	size_t glen = 0;
	EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen);
	int ok = chain && strcmp(cn, name) == 0 &&
		 X509_check_ip_asc(c, "127.0.0.1", 0) == 1 &&
		 X509_check_host(c, "localhost", 0, 0, NULL) == 1 &&
		 strcmp(group, "prime256v1") == 0 &&
		 X509_check_purpose(c, X509_PURPOSE_SSL_CLIENT, 0) == 1;
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	X509_free(c);
	return ok;
}

static int read_text(const char *dir, const char *name, char *out, size_t len)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	size_t n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (platform_cli_args(argc, argv))
		return 2;
	char tmp[1024], dir[2048], dir2[2048], out[16384], text[4096];
	CHECK(platform_cli_new("platform", tmp, dir, out, sizeof(out)) == 0, "init succeeds");
	char *init[] = { platform_bin, "init", dir, "--test-services", NULL };
	CHECK(mode_of(dir, ".") == 0700, "DIR is 0700");
	CHECK(read_text(dir, "admin.password", text, sizeof(text)) == 0 &&
	      strlen(text) == 24 && strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == 24,
	      "admin.password holds a 24-character password");
	CHECK(strstr(out, text) != NULL, "init prints the admin password once");
	char password[64];
	snprintf(password, sizeof(password), "%s", text);
	CHECK(mode_of(dir, "admin.password") == 0600, "admin.password is 0600");
	CHECK(size_of(dir, "keys/storage.key") == 32 && mode_of(dir, "keys/storage.key") == 0600,
	      "32-byte storage key, 0600");
	CHECK(mode_of(dir, "keys/ca.key") == 0600, "CA key is 0600");
	const char *services[] = { "storage", "authentication", "echo", "client" };
	X509 *ca = load_cert(dir, "ca.pem");
	CHECK(ca && X509_check_ca(ca) == 1, "ca.pem is a CA certificate");
	for (size_t i = 0; i < 4; i++) {
		char key[128];
		snprintf(key, sizeof(key), "certs/%s.key", services[i]);
		CHECK(ca && cert_ok(dir, ca, services[i]),
		      "%s: P-256 certificate from the platform CA, CN and SAN right", services[i]);
		CHECK(mode_of(dir, key) == 0600, "%s key is 0600", services[i]);
	}
	X509_free(ca);

	struct kettle_config cfg;
	char err[512], path[4096];
	int ports[8], np = 0;
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s.json", dir, services[i]);
		int rc = config_load(path, &cfg, err, sizeof(err));
		CHECK(rc == 0 && strcmp(cfg.service, services[i]) == 0 && cfg.listen.port > 0,
		      "%s.json loads (%s)", services[i], rc ? err : "ok");
		if (rc)
			continue;
		ports[np++] = cfg.listen.port;
		if (cfg.public_.address)
			ports[np++] = cfg.public_.port;
		if (strcmp(services[i], "storage") == 0) {
			const char *id = config_string(&cfg, "storage_key_id");
			char *kf = config_path(&cfg, "storage_key_file");
			CHECK(id && strncmp(id, "key-", 4) == 0 && kf && access(kf, R_OK) == 0,
			      "storage.json names the key file and key id");
			free(kf);
		}
		if (strcmp(services[i], "authentication") == 0) {
			char *pf = config_path(&cfg, "admin_password_file");
			CHECK(pf && read_text("", pf + 1, text, sizeof(text)) == 0 &&
			      strcmp(text, password) == 0 && cfg.public_.address,
			      "authentication.json names admin.password and has a public listener");
			free(pf);
		}
		config_free(&cfg);
	}
	int distinct = np == 5;
	for (int i = 0; i < np; i++)
		for (int j = i + 1; j < np; j++)
			distinct &= ports[i] != ports[j];
	CHECK(distinct, "five distinct loopback ports");
	for (size_t i = 0; i < 3; i++) {
		char want[128];
		snprintf(path, sizeof(path), "%s/%s.json", dir, services[i]);
		snprintf(want, sizeof(want), "logs/%s/%s.log", services[i], services[i]);
		json_t *j = json_load_file(path, 0, NULL);
		json_t *log = json_object_get(j, "log");
		const char *file = json_string_value(json_object_get(log, "file"));
		CHECK(file && strcmp(file, want) == 0 &&
		      json_integer_value(json_object_get(log, "max_bytes")) == 8 << 20 &&
		      json_integer_value(json_object_get(log, "files")) == 4,
		      "%s.json: log in %s, rotated at 8 MiB, 4 files", services[i], want);
		json_decref(j);
	}

	CHECK(harness_run_text(init, NULL, out, sizeof(out)) == 1 && strstr(out, "refusing"),
	      "init refuses an existing platform");
	CHECK(read_text(dir, "admin.password", text, sizeof(text)) == 0 &&
	      strcmp(text, password) == 0, "the existing platform is untouched");

	CHECK(platform_cli_run("start", dir, out, sizeof(out)) == 0 && strstr(out, "echo: started"),
	      "start starts the test service");
	CHECK(read_text(dir, "url", text, sizeof(text)) == 0 &&
	      strncmp(text, "https://127.0.0.1:", 18) == 0 && strstr(out, text),
	      "start writes and prints DIR/url");
	int url_port = atoi(text + 18);
	struct rpc_client *pub = tu_platform_client(dir, url_port, NULL, NULL);
	struct rpc_result r;
	CHECK(pub && rpc_client_call(pub, "GET", "/healthz", NULL, NULL, &r) == 0 &&
	      r.status == 200, "the URL answers /healthz");
	rpc_result_clear(&r);
	rpc_client_free(pub);
	CHECK(size_of(dir, "logs/echo/echo.log") > 0 && size_of(dir, "run/echo.pid") > 0,
	      "log and pid files written");
	CHECK(platform_cli_run("status", dir, out, sizeof(out)) >= 0 && strstr(out, "echo: running") &&
	      strstr(out, "healthy") && !strstr(out, "echo: running (pid 0"),
	      "status reports echo running and healthy");
	CHECK(platform_cli_run("start", dir, out, sizeof(out)) == 0 && strstr(out, "echo: already running"),
	      "a second start leaves a running service alone");
	CHECK(platform_cli_run("stop", dir, out, sizeof(out)) == 0 && strstr(out, "echo: stopped"),
	      "stop stops it");
	CHECK(platform_cli_run("status", dir, out, sizeof(out)) == 3 && strstr(out, "echo: stopped"),
	      "status afterwards: stopped, exit 3");
	CHECK(size_of(dir, "logs/echo/echo.log") > 0 && read_text(dir, "logs/echo/echo.log", text, sizeof(text)) == 0,
	      "the log survives");

	/* A second platform: one service that does not exist, one that fails. */
	snprintf(dir2, sizeof(dir2), "%s/q", tmp);
	char *init2[] = { platform_bin, "init", dir2, "--test-services", NULL };
	CHECK(harness_run_text(init2, NULL, out, sizeof(out)) == 0, "second platform created");
	snprintf(path, sizeof(path), "%s/platform.json", dir2);
	json_t *m = json_load_file(path, 0, NULL);
	json_t *list = json_object_get(m, "services");
	json_array_clear(list);
	json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:i}", "name", "ghost", "binary",
					      "kettle-ghost-service", "config", "ghost.json", "public_port", 0));
	json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:i}", "name", "echo", "binary",
					      "kettle-echo", "config", "echo.json", "public_port", 0));
	json_dump_file(m, path, 0);
	json_decref(m);
	snprintf(path, sizeof(path), "%s/echo.json", dir2);
	FILE *f = fopen(path, "w");
	fputs("{\"service\":\"echo\"}", f);
	fclose(f);
	int rc = platform_cli_run("start", dir2, out, sizeof(out));
	CHECK(strstr(out, "ghost: missing") != NULL, "a missing binary is named");
	CHECK(rc == 1 && strstr(out, "echo exited during start-up; see") && strstr(out, "logs/echo/echo.log"),
	      "a service that dies names itself and its log");
	CHECK(read_text(dir2, "logs/echo/echo.log", text, sizeof(text)) == 0 &&
	      strstr(text, "missing field \\\"listen\\\""), "its log says why");
	CHECK(platform_cli_run("status", tmp, out, sizeof(out)) == 1 && strstr(out, "not a platform"),
	      "commands on a directory without a platform say so");

	/* Users: given with --user, the others allocated (as root). */
	char dir3[2100];
	snprintf(dir3, sizeof(dir3), "%s/r", tmp);
	char *bad_id[] = { platform_bin, "init", dir3, "--user", "echo=0", NULL };
	CHECK(harness_run_text(bad_id, NULL, out, sizeof(out)) == 2 && strstr(out, "SERVICE=UID"),
	      "--user echo=0 is refused with the expected form");
	if (geteuid() != 0) {
		TAP_SKIP("--user and per-service ownership: not root, init gives no users");
	} else {
		char *ghost[] = { platform_bin, "init", dir3, "--user", "ghost=2000000001", NULL };
		CHECK(harness_run_text(ghost, NULL, out, sizeof(out)) == 1 && strstr(out, "no such service"),
		      "--user for a service the platform lacks is refused");
		harness_remove_tree(dir3);
		char *given[] = { platform_bin, "init", dir3, "--test-services", "--user",
				  "echo=2000000001:2000000002", NULL };
		CHECK(harness_run_text(given, NULL, out, sizeof(out)) == 0 &&
		      strstr(out, "echo runs as uid 2000000001 gid 2000000002"), "init --user echo=UID:GID");
		struct stat st;
		snprintf(path, sizeof(path), "%s/certs/echo.key", dir3);
		CHECK(stat(path, &st) == 0 && st.st_uid == 2000000001 && st.st_gid == 2000000002 &&
		      (st.st_mode & 0777) == 0600, "echo's key is echo's, 0600");
		snprintf(path, sizeof(path), "%s/data/echo", dir3);
		CHECK(stat(path, &st) == 0 && st.st_uid == 2000000001 && (st.st_mode & 0777) == 0700,
		      "echo's data dir is echo's, 0700");
		snprintf(path, sizeof(path), "%s/keys/storage.key", dir3);
		struct stat sk;
		CHECK(stat(path, &sk) == 0 && sk.st_uid >= 0x70000000u && sk.st_uid != 2000000001,
		      "the storage key is storage's (uid %u, allocated)", (unsigned)sk.st_uid);
		snprintf(path, sizeof(path), "%s/keys/ca.key", dir3);
		CHECK(stat(path, &st) == 0 && st.st_uid == 0 && (st.st_mode & 0777) == 0600,
		      "the CA key stays root's");
		snprintf(path, sizeof(path), "%s/echo.json", dir3);
		json_t *j = json_load_file(path, 0, NULL);
		json_t *jail = json_object_get(j, "jail");
		CHECK(json_integer_value(json_object_get(jail, "uid")) == 2000000001 &&
		      json_integer_value(json_object_get(jail, "gid")) == 2000000002 &&
		      json_array_size(json_object_get(jail, "connect")) == 1,
		      "echo.json's jail: its uid, gid and one peer port (storage)");
		json_decref(j);
	}
	harness_remove_tree(tmp);
	TAP_DONE();
}
