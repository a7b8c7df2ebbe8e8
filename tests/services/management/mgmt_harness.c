/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/services/common/test_util.h"
#include "tests/services/management/mgmt_harness.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "services/common/config.h"

extern char **environ;

/* kettle-platform CMD DIR [extra], output appended to DIR.log. */
static int platform(const struct mh *h, const char *cmd, const char *extra)
{
	char log[200];
	char *argv[] = { getenv("KETTLE_PLATFORM"), (char *)cmd,
			 (char *)h->base.dir, (char *)extra, NULL };
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	if (!argv[0])
		return -ENOENT;
	snprintf(log, sizeof(log), "%s.log", h->base.dir);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return -rc;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "# kettle-platform %s %s failed (see %s)\n", cmd,
			h->base.dir, log);
		return -EIO;
	}
	return 0;
}

static int internal_url(const struct mh *h, const char *service, char *out,
			size_t cap)
{
	struct kettle_config cfg;
	char path[256], err[256];

	snprintf(path, sizeof(path), "%s/%s.json", h->base.dir, service);
	if (config_load(path, &cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "# %s\n", err);
		return -EINVAL;
	}
	snprintf(out, cap, "https://%s:%d", cfg.listen.address, cfg.listen.port);
	config_free(&cfg);
	return 0;
}

/* Management asks the fake decider instead of the access control service. */
static int use_fake_decider(const struct mh *h)
{
	char path[256];
	json_t *cfg;
	int rc;

	snprintf(path, sizeof(path), "%s/management.json", h->base.dir);
	cfg = json_load_file(path, 0, NULL);
	if (!cfg)
		return -EINVAL;
	json_object_set_new(cfg, "access_control_peer", json_string("decider"));
	rc = json_dump_file(cfg, path, JSON_INDENT(2));
	json_decref(cfg);
	return rc ? -EIO : 0;
}

int mh_start(struct mh *h)
{
	char parent[] = "/tmp/kettle-mgmt-XXXXXX";
	struct harness *b = &h->base;
	int rc;

	memset(h, 0, sizeof(*h));
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(parent))
		return -errno;
	snprintf(b->dir, sizeof(b->dir), "%s/platform", parent);
	snprintf(b->ca, sizeof(b->ca), "%s/ca.pem", b->dir);
	snprintf(b->cert, sizeof(b->cert), "%s/certs/client.pem", b->dir);
	snprintf(b->key, sizeof(b->key), "%s/certs/client.key", b->dir);
	rc = platform(h, "init", "--test-services");
	if (rc == 0)
		rc = use_fake_decider(h);
	if (rc == 0)
		rc = internal_url(h, "management", h->mgmt_url, sizeof(h->mgmt_url));
	if (rc == 0)
		rc = internal_url(h, "storage", b->storage_url, sizeof(b->storage_url));
	if (rc == 0)
		rc = platform(h, "start", NULL);
	return rc;
}

int mh_start_client(struct mh *h, struct rpc_client **c)
{
	int rc = mh_start(h);

	*c = rc == 0 ? mh_client(h, h->mgmt_url) : NULL;
	if (*c)
		return 0;
	fprintf(stderr, "# the platform in %s did not start (see %s.log)\n",
		h->base.dir, h->base.dir);
	mh_destroy(h);
	return rc < 0 ? rc : -EIO;
}

void mh_destroy(struct mh *h)
{
	harness_destroy(&h->base);
}

struct rpc_client *mh_client(const struct mh *h, const char *url)
{
	return harness_client(&h->base, url, 1);
}

static void identify(struct rpc_client *c, const struct user *u)
{
	rpc_client_set_header(c, "X-Kettle-User", u ? u->id : NULL);
	rpc_client_set_header(c, "X-Kettle-Role", u ? u->role : NULL);
	rpc_client_set_header(c, "X-Kettle-Attribute",
			      u && u->attribute ? u->attribute : NULL);
}

int mh_call(struct rpc_client *c, const struct user *u, const char *method,
	    const char *path, json_t *body, json_t **out)
{
	struct rpc_result res;
	int status;

	identify(c, u);
	if (out)
		*out = NULL;
	if (rpc_client_call(c, method, path, body, NULL, &res) < 0) {
		json_decref(body);
		return -1;
	}
	json_decref(body);
	status = res.status;
	if (out && res.json)
		*out = json_incref(res.json);
	rpc_result_clear(&res);
	return status;
}

const char *mh_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

const char *mh_error_code(const json_t *body)
{
	const char *s = json_string_value(
		json_object_get(json_object_get(body, "error"), "code"));
	return s ? s : "";
}

int mh_call_raw(struct rpc_client *c, const struct user *u,
		const char *method, const char *path, const void *data,
		size_t len, char *code, size_t cap)
{
	struct rpc_result res;
	int status;

	identify(c, u);
	if (rpc_client_call_raw(c, method, path, "application/json", data, len,
				NULL, &res) < 0)
		return -1;
	status = res.status;
	snprintf(code, cap, "%s", mh_error_code(res.json));
	/* An error must carry one message too. */
	if (status >= 400 && !json_is_string(json_object_get(
				     json_object_get(res.json, "error"), "message")))
		snprintf(code, cap, "(no message)");
	rpc_result_clear(&res);
	return status;
}

pid_t mh_mgmt_pid(const struct mh *h)
{
	char path[256];
	long pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/run/management.pid", h->base.dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = -1;
	fclose(f);
	return (pid_t)pid;
}

int mh_restart(struct mh *h)
{
	int rc = platform(h, "start", NULL);

	return rc < 0 ? rc : harness_wait_ready(&h->base, h->mgmt_url, 30000);
}

/* A loopback port free right now. */
pid_t mh_spawn_second(const struct mh *h, char *url, size_t cap)
{
	char src[256], dst[256], log[256];
	int port = tu_free_port(), rc;
	posix_spawn_file_actions_t fa;
	json_t *cfg;
	pid_t pid;

	snprintf(src, sizeof(src), "%s/management.json", h->base.dir);
	snprintf(dst, sizeof(dst), "%s/management2.json", h->base.dir);
	snprintf(log, sizeof(log), "%s/logs/management2.log", h->base.dir);
	cfg = json_load_file(src, 0, NULL);
	if (!cfg || port < 0) {
		json_decref(cfg);
		return -EINVAL;
	}
	json_object_set_new(json_object_get(cfg, "listen"), "port", json_integer(port));
	rc = json_dump_file(cfg, dst, JSON_INDENT(2));
	json_decref(cfg);
	if (rc)
		return -EIO;
	char *argv[] = { "kettle-management", "--config", dst, NULL };
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0600);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return -rc;
	snprintf(url, cap, "https://127.0.0.1:%d", port);
	rc = harness_wait_ready(&h->base, url, 30000);
	if (rc) {
		mh_stop_second(pid);
		return rc;
	}
	return pid;
}

void mh_stop_second(pid_t pid)
{
	int status;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
}
