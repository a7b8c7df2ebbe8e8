/* SPDX-License-Identifier: Apache-2.0 */
/* The walls kettle-platform puts around its services (issue 7, F7 and F8),
 * each first tried as the attack was:
 *
 *   F8: start with DIR spelled another way (relative, absolute, through a
 *       symbolic link), concurrently, must find the running services and
 *       start nothing; stop through any spelling stops what start started;
 *       services inherit no descriptor from whoever ran kettle-platform.
 *   F7: each service runs as its own uid/gid with no capability, under
 *       seccomp and no_new_privs (/proc/PID/status); from inside its mount
 *       namespace and as its uid, the CA key, the other services' keys,
 *       admin.password and /etc/shadow cannot be opened, and nothing can be
 *       created outside its data directory; kettle-echo, in the same jail,
 *       cannot connect to a port that is not its peer's (Landlock).
 *
 * The F7 checks need root (CI runs ./scripts/test as root); without it
 * they are counted skips saying so.
 * Usage: test-platform-walls KETTLE_PLATFORM DIR_OF_KETTLE_ECHO */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/tap.h"
#include "tests/services/common/test_util.h"
#include "tests/services/platform/platform_cli.h"


/* Every service `init --test-services` makes, in start order. */
static const char *const names[] = { "storage", "authentication", "access_control",
				     "decider", "management", "frontend", "echo" };
#define N_SERVICES (sizeof(names) / sizeof(names[0]))

static pid_t pid_of(const char *dir, const char *name)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/run/%s.pid", dir, name);
	FILE *f = fopen(p, "re");
	long pid = 0;
	if (f && fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	if (f)
		fclose(f);
	return (pid_t)pid;
}

static int gone(pid_t pid)
{
	char v[64];
	for (int i = 0; i < 500; i++) {
		if (harness_proc_status(pid, "State", v, sizeof(v)) != 0 || v[0] == 'Z')
			return 1;
		struct timespec ts = { 0, 20 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return 0;
}

static int count(const char *text, const char *what)
{
	int n = 0;
	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* Whether any descriptor of pid is the file at path. */
static int holds(pid_t pid, const char *path)
{
	char fd_path[64], target[PATH_MAX];
	int found = 0;
	for (int fd = 0; fd < 1024 && !found; fd++) {
		snprintf(fd_path, sizeof(fd_path), "/proc/%d/fd/%d", (int)pid, fd);
		ssize_t n = readlink(fd_path, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			found = strcmp(target, path) == 0;
		}
	}
	return found;
}

enum probe_op { PROBE_READ, PROBE_CREATE, PROBE_UNLINK };

/* The errno of op on path done as uid/gid inside pid's mount namespace
 * (pid 0: the host's), 0 if it worked, from a child that joins it; -1 if
 * it could not join. */
static int probe_in(pid_t pid, unsigned uid, unsigned gid, const char *path,
		    enum probe_op op)
{
	pid_t child = fork();
	if (child == 0) {
		char ns[64];
		snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", (int)pid);
		int fd = open(ns, O_RDONLY | O_CLOEXEC);
		if ((pid && (fd < 0 || setns(fd, CLONE_NEWNS) != 0 || chdir("/") != 0)) ||
		    setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 ||
		    setresuid(uid, uid, uid) != 0)
			_exit(255);
		int rc;
		if (op == PROBE_UNLINK) {
			rc = unlink(path);
		} else {
			rc = open(path, op == PROBE_CREATE ? O_WRONLY | O_CREAT | O_EXCL
							  : O_RDONLY, 0600);
			if (rc >= 0 && op == PROBE_CREATE)
				unlink(path);
		}
		_exit(rc >= 0 ? 0 : errno);
	}
	int st = harness_wait(child, 10000);
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == 255)
		return -1;
	return WEXITSTATUS(st);
}

static int manifest_id(const char *dir, const char *name, const char *key)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/platform.json", dir);
	json_t *m = json_load_file(p, 0, NULL), *e;
	size_t i;
	int id = 0;
	json_array_foreach(json_object_get(m, "services"), i, e)
		if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0)
			id = (int)json_integer_value(json_object_get(e, key));
	json_decref(m);
	return id;
}

/* Whether DIR/logs/NAME/NAME.log has a line containing what. */
static int log_has(const char *dir, const char *name, const char *what)
{
	char path[4096], line[4096];
	snprintf(path, sizeof(path), "%s/logs/%s/%s.log", dir, name, name);
	FILE *f = fopen(path, "re");
	int found = 0;
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return found;
}

/* GET /probe/...: the errno kettle-echo saw inside its jail, or -1. */
static int echo_probe(struct rpc_client *c, const char *path)
{
	struct rpc_result r;
	if (!c || rpc_client_call(c, "GET", path, NULL, NULL, &r) != 0)
		return -1;
	json_t *e = json_object_get(r.json, "errno");
	int v = r.status == 200 && json_is_integer(e) ? (int)json_integer_value(e) : -1;
	rpc_result_clear(&r);
	return v;
}

static void check_status(pid_t pid, const char *name, unsigned uid, unsigned gid)
{
	char v[128], want[64];
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", uid, uid, uid, uid);
	CHECK(harness_proc_status(pid, "Uid", v, sizeof(v)) == 0 && strcmp(v, want) == 0,
	      "%s: Uid %s (its own, not 0)", name, v);
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", gid, gid, gid, gid);
	CHECK(harness_proc_status(pid, "Gid", v, sizeof(v)) == 0 && strcmp(v, want) == 0,
	      "%s: Gid %s", name, v);
	CHECK(harness_proc_status(pid, "Groups", v, sizeof(v)) == 0 && v[0] == '\0',
	      "%s: no supplementary groups", name);
	CHECK(harness_proc_status(pid, "CapEff", v, sizeof(v)) == 0 &&
	      strcmp(v, "0000000000000000") == 0, "%s: CapEff %s", name, v);
	CHECK(harness_proc_status(pid, "CapBnd", v, sizeof(v)) == 0 &&
	      strcmp(v, "0000000000000000") == 0, "%s: CapBnd %s", name, v);
	CHECK(harness_proc_status(pid, "Seccomp", v, sizeof(v)) == 0 && strcmp(v, "2") == 0,
	      "%s: Seccomp 2", name);
	CHECK(harness_proc_status(pid, "NoNewPrivs", v, sizeof(v)) == 0 && strcmp(v, "1") == 0,
	      "%s: NoNewPrivs 1", name);
}

static void check_files(const char *dir, pid_t pid, const char *name, unsigned uid,
			unsigned gid)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/keys/ca.key", dir);
	CHECK(probe_in(pid, uid, gid, p, PROBE_READ) == ENOENT,
	      "%s: the CA key is not in its root", name);
	CHECK(probe_in(pid, uid, gid, "/etc/shadow", PROBE_READ) == ENOENT,
	      "%s: /etc/shadow is not in its root", name);
	for (size_t i = 0; i < N_SERVICES; i++) {
		if (strcmp(names[i], name) == 0)
			continue;
		snprintf(p, sizeof(p), "%s/certs/%s.key", dir, names[i]);
		CHECK(probe_in(pid, uid, gid, p, PROBE_READ) == ENOENT,
		      "%s: %s's key is not in its root", name, names[i]);
	}
	snprintf(p, sizeof(p), "%s/admin.password", dir);
	int e = probe_in(pid, uid, gid, p, PROBE_READ);
	if (strcmp(name, "authentication") == 0)
		CHECK(e == 0, "authentication: reads admin.password, its own file");
	else
		CHECK(e == ENOENT, "%s: admin.password is not in its root", name);
	snprintf(p, sizeof(p), "%s/certs/%s.key", dir, name);
	CHECK(probe_in(pid, uid, gid, p, PROBE_READ) == 0, "%s: reads its own key", name);
	e = probe_in(pid, uid, gid, p, PROBE_UNLINK);
	CHECK(e == EBUSY || e == EROFS || e == EACCES, "%s: cannot unlink its key (%s)", name,
	      strerror(e > 0 ? e : EINVAL));
	snprintf(p, sizeof(p), "%s/planted", dir);
	e = probe_in(pid, uid, gid, p, PROBE_CREATE);
	CHECK(e == EROFS || e == EACCES, "%s: cannot create files in DIR (%s)", name,
	      strerror(e > 0 ? e : EINVAL));
	e = probe_in(pid, uid, gid, "/planted", PROBE_CREATE);
	CHECK(e == EROFS || e == EACCES, "%s: cannot create files at its root (%s)", name,
	      strerror(e > 0 ? e : EINVAL));
	snprintf(p, sizeof(p), "%s/data/%s/probe", dir, name);
	CHECK(probe_in(pid, uid, gid, p, PROBE_CREATE) == 0, "%s: creates files in its data dir",
	      name);
	/* And outside any namespace its uid opens no file of DIR: DIR is
	 * root's, 0700. */
	snprintf(p, sizeof(p), "%s/keys/ca.key", dir);
	CHECK(probe_in(0, uid, gid, p, PROBE_READ) == EACCES,
	      "%s's uid cannot open the CA key on the host either", name);
}

static void f7(const char *dir)
{
	if (geteuid() != 0) {
		TAP_SKIP("F7 per-service uid, root and files: not root, the services keep the caller's uid (run ./scripts/test as root)");
		return;
	}
	for (size_t i = 0; i < N_SERVICES; i++) {
		pid_t pid = pid_of(dir, names[i]);
		unsigned uid = (unsigned)manifest_id(dir, names[i], "uid");
		unsigned gid = (unsigned)manifest_id(dir, names[i], "gid");
		CHECK(pid > 0 && uid >= 0x70000000u && gid == uid, "%s: pid %d, uid %u in the manifest",
		      names[i], (int)pid, uid);
		for (size_t j = 0; j < i; j++)
			CHECK(uid != (unsigned)manifest_id(dir, names[j], "uid"),
			      "%s and %s have different uids", names[i], names[j]);
		check_status(pid, names[i], uid, gid);
		check_files(dir, pid, names[i], uid, gid);
	}
	/* From inside kettle-echo's own jail (the real services' set-up). */
	char path[8192], ca_key[4096];
	struct rpc_client *c = tu_platform_client(dir, tu_config_port(dir, "echo", "listen"),
						  "client", "echo");
	snprintf(ca_key, sizeof(ca_key), "%s/keys/ca.key", dir);
	snprintf(path, sizeof(path), "/probe/open?path=%s", ca_key);
	CHECK(echo_probe(c, path) == ENOENT, "echo, from inside: opening the CA key fails (ENOENT)");
	snprintf(path, sizeof(path), "/probe/open?path=%s/certs/echo.key", dir);
	CHECK(echo_probe(c, path) == 0, "echo, from inside: opens its own key");
	snprintf(path, sizeof(path), "/probe/open?path=%s/x&create=1", dir);
	int e = echo_probe(c, path);
	CHECK(e == EROFS || e == EACCES, "echo, from inside: creating a file in DIR fails (%d)", e);
	int storage = tu_config_port(dir, "storage", "listen");
	int other = tu_config_port(dir, "authentication", "listen");
	snprintf(path, sizeof(path), "/probe/connect?port=%d", storage);
	CHECK(echo_probe(c, path) == 0, "echo, from inside: connects to its peer storage (port %d)",
	      storage);
	snprintf(path, sizeof(path), "/probe/connect?port=%d", other);
	e = echo_probe(c, path);
	int landlock = log_has(dir, "echo", "Landlock: TCP connect only to ports");
	if (landlock)
		CHECK(e == EACCES, "echo, from inside: connecting to a non-peer (authentication, port %d) fails with EACCES (%d)",
		      other, e);
	else
		TAP_SKIP("echo: no Landlock network rules on this kernel (ABI < 4): connect is limited by socket family only (got %d)",
			 e);
	rpc_client_free(c);
	/* The real services' jails as they logged them: authentication may
	 * connect to storage's port alone, storage to none. */
	char want[128];
	snprintf(want, sizeof(want), "TCP connect only to ports %d\"", storage);
	if (landlock) {
		CHECK(log_has(dir, "authentication", want),
		      "authentication's jail: TCP connect to storage's port only");
		CHECK(log_has(dir, "storage", "TCP connect only to ports none"),
		      "storage's jail: no TCP connect at all");
	} else {
		TAP_SKIP("authentication's and storage's connect ports: no Landlock network rules on this kernel");
	}
}

int main(int argc, char **argv)
{
	if (platform_cli_args(argc, argv))
		return 2;
	char tmp[1024], dir[2048], link[2048], out[16384], marker[2048];
	CHECK(platform_cli_new("walls", tmp, dir, out, sizeof(out)) == 0, "platform created");
	snprintf(link, sizeof(link), "%s/link", tmp);
	CHECK(symlink("p", link) == 0, "a symbolic link to it");

	/* A descriptor the caller of kettle-platform leaves open. */
	snprintf(marker, sizeof(marker), "%s/inherited-marker", tmp);
	int leak = open(marker, O_WRONLY | O_CREAT, 0600);
	CHECK(leak >= 0, "a descriptor without O_CLOEXEC (fd %d)", leak);

	CHECK(chdir(tmp) == 0, "cwd beside the platform");
	CHECK(platform_cli_run("start", "p", out, sizeof(out)) == 0 && count(out, ": started") == N_SERVICES,
	      "start p (relative) starts the three services");
	pid_t first[N_SERVICES];
	for (size_t i = 0; i < N_SERVICES; i++)
		first[i] = pid_of(dir, names[i]);
	CHECK(platform_cli_run("start", dir, out, sizeof(out)) == 0 && count(out, "already running") == N_SERVICES &&
	      count(out, ": started") == 0, "start with the absolute path: already running, nothing started");
	CHECK(platform_cli_run("start", link, out, sizeof(out)) == 0 && count(out, "already running") == N_SERVICES &&
	      count(out, ": started") == 0, "start through the symbolic link: the same");
	int same = 1;
	for (size_t i = 0; i < N_SERVICES; i++)
		same &= pid_of(dir, names[i]) == first[i];
	CHECK(same, "the pid files still name the first processes");

	/* Two starts at once: one starts, the other finds them running. */
	CHECK(platform_cli_run("stop", dir, out, sizeof(out)) == 0 && count(out, ": stopped") == N_SERVICES,
	      "stop");
	int held = 1;
	for (size_t i = 0; i < N_SERVICES; i++)
		held &= gone(first[i]);
	CHECK(held, "every first process is gone");
	char log_a[2100], log_b[2100];
	snprintf(log_a, sizeof(log_a), "%s/start-a.log", tmp);
	snprintf(log_b, sizeof(log_b), "%s/start-b.log", tmp);
	char *start_rel[] = { platform_bin, "start", "p", NULL };
	char *start_link[] = { platform_bin, "start", link, NULL };
	putenv(platform_env);
	pid_t a = harness_spawn(start_rel, log_a), b = harness_spawn(start_link, log_b);
	int sa = harness_wait(a, 60000), sb = harness_wait(b, 60000);
	CHECK(sa == 0 && sb == 0, "two concurrent starts both succeed");
	char ta[8192] = "", tb[8192] = "";
	FILE *fa = fopen(log_a, "re"), *fb = fopen(log_b, "re");
	if (fa) {
		ta[fread(ta, 1, sizeof(ta) - 1, fa)] = '\0';
		fclose(fa);
	}
	if (fb) {
		tb[fread(tb, 1, sizeof(tb) - 1, fb)] = '\0';
		fclose(fb);
	}
	CHECK(count(ta, ": started") + count(tb, ": started") == N_SERVICES &&
	      count(ta, "already running") + count(tb, "already running") == N_SERVICES,
	      "between them each service started once");

	for (size_t i = 0; i < N_SERVICES; i++) {
		pid_t pid = pid_of(dir, names[i]);
		CHECK(pid > 0 && !holds(pid, marker), "%s holds no descriptor of the caller's", names[i]);
	}
	close(leak);

	f7(dir);

	for (size_t i = 0; i < N_SERVICES; i++)
		first[i] = pid_of(dir, names[i]);
	CHECK(platform_cli_run("stop", link, out, sizeof(out)) == 0 && count(out, ": stopped") == N_SERVICES,
	      "stop through the symbolic link stops all three");
	held = 1;
	for (size_t i = 0; i < N_SERVICES; i++)
		held &= gone(first[i]);
	CHECK(held, "and they are gone");
	CHECK(platform_cli_run("status", "p", out, sizeof(out)) == 3 && count(out, ": stopped") == N_SERVICES,
	      "status: stopped");
	if (chdir("/") == 0 && !tap_failed)
		harness_remove_tree(tmp);
	TAP_DONE();
}
