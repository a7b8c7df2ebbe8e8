/* SPDX-License-Identifier: Apache-2.0 */
/* jail_enter() and jail_enter_root(): what a jailed process has left, that
 * a syscall outside the allowlist kills it with SIGSYS, that its own root
 * holds only its binds, that it runs as its own user (as root), that
 * socket() is limited by family and type and connect() by port (Landlock).
 * Each case runs in a forked child. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include "lib/jail.h"
#include "lib/log.h"
#include "tests/harness/tmp.h"
#include "tests/harness/proc.h"
#include "tests/tap.h"
#include "tests/services/common/test_util.h"


enum action { DO_EXECVE, DO_SOCKET, DO_UNAME, DO_IOCTL_OK, DO_IOCTL_BAD, DO_OPEN_ETC,
	      DO_WAIT, DO_FILES, DO_SOCKET_INET, DO_SOCKET_INET6, DO_SOCKET_DGRAM,
	      DO_SOCKET_UNIX, DO_SOCKET_NETLINK, DO_CONNECT_ALLOWED, DO_CONNECT_OTHER,
	      DO_THREAD, DO_FORK };

static int sync_pipe[2], go_pipe[2];
/* Set by main before the forks: the temporary tree and two listeners. */
static char tree[1024];
static int allowed_port, other_port;

static int open_errno(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

/* In the root made from tree's binds (ro.txt read-only, data/ writable). */
static int files_case(void)
{
	char p[2048];
	snprintf(p, sizeof(p), "%s/ro.txt", tree);
	if (open_errno(p, O_RDONLY) != 0)
		return 30;
	/* Refused as read-only, or first as not its file (after a uid switch). */
	int e = open_errno(p, O_WRONLY);
	if (e != EROFS && e != EACCES)
		return 31;
	if (open_errno("ro.txt", O_RDONLY) != 0) /* the cwd was kept */
		return 32;
	snprintf(p, sizeof(p), "%s/secret.key", tree);
	if (open_errno(p, O_RDONLY) != ENOENT)
		return 33;
	snprintf(p, sizeof(p), "%s/new", tree);
	e = open_errno(p, O_WRONLY | O_CREAT);
	if (e != EROFS && e != EACCES)
		return 34;
	snprintf(p, sizeof(p), "%s/ro.txt", tree);
	if (unlink(p) == 0)
		return 35;
	if (open_errno("/etc/shadow", O_RDONLY) != ENOENT)
		return 36;
	snprintf(p, sizeof(p), "%s/data/made-inside", tree);
	if (open_errno(p, O_WRONLY | O_CREAT | O_EXCL) != 0)
		return 37;
	return 0;
}

static void *thread_main(void *arg)
{
	return arg;
}

static int connect_errno(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (fd < 0)
		return errno;
	int rc = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : errno;
	close(fd);
	return rc;
}

static void act(enum action a)
{
	switch (a) {
	case DO_EXECVE: {
		char *args[] = { "/bin/true", NULL };
		execve(args[0], args, NULL);
		_exit(10);
	}
	case DO_SOCKET:
		socket(AF_INET, SOCK_STREAM, 0);
		_exit(10);
	case DO_UNAME: {
		struct utsname u;
		_exit(uname(&u) == 0 ? 0 : 11);
	}
	case DO_IOCTL_OK: {
		struct winsize w;
		/* Allowed: the pipe is no terminal, so the kernel answers ENOTTY. */
		_exit(ioctl(sync_pipe[1], TIOCGWINSZ, &w) < 0 && errno == ENOTTY ? 0 : 12);
	}
	case DO_IOCTL_BAD:
		ioctl(sync_pipe[1], FIOCLEX);
		_exit(10);
	case DO_OPEN_ETC: {
		/* The root is an empty tmpfs: /etc does not exist, / is empty. */
		int fd = open("/etc/passwd", O_RDONLY);
		if (fd >= 0 || errno != ENOENT)
			_exit(13);
		_exit(access("/bin", F_OK) < 0 && errno == ENOENT ? 0 : 14);
	}
	case DO_FILES:
		_exit(files_case());
	case DO_SOCKET_INET:
		_exit(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0) >= 0 ? 0 : 40);
	case DO_SOCKET_INET6:
		_exit(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP) >= 0 || errno == EAFNOSUPPORT ? 0 : 41);
	case DO_SOCKET_DGRAM:
		socket(AF_INET, SOCK_DGRAM, 0);
		_exit(10);
	case DO_SOCKET_UNIX:
		_exit(socket(AF_UNIX, SOCK_STREAM, 0) >= 0 ? 0 : 42);
	case DO_SOCKET_NETLINK:
		socket(AF_NETLINK, SOCK_RAW, 0);
		_exit(10);
	case DO_CONNECT_ALLOWED:
		_exit(connect_errno(allowed_port) == 0 ? 0 : 43);
	case DO_CONNECT_OTHER:
		_exit(connect_errno(other_port) == EACCES ? 0 : 44);
	case DO_THREAD: {
		pthread_t t;
		void *back = NULL;
		_exit(pthread_create(&t, NULL, thread_main, &tree) == 0 &&
		      pthread_join(t, &back) == 0 && back == &tree ? 0 : 45);
	}
	case DO_FORK:
		_exit(fork() < 0 ? 46 : 10); /* killed before either returns */
	case DO_WAIT: {
		char c = 1;
		if (write(sync_pipe[1], &c, 1) != 1)
			_exit(15);
		ssize_t n = read(go_pipe[0], &c, 1);
		_exit(n == 0 ? 0 : 16);
	}
	}
	_exit(17);
}

static pid_t run_jailed(const struct jail_spec *spec, enum action a)
{
	if (pipe(sync_pipe) || pipe(go_pipe))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(sync_pipe[0]);
		close(go_pipe[1]);
		const char *step = NULL;
		int rc = jail_enter_root(spec, &step);
		if (!rc)
			rc = jail_enter(spec, &step);
		if (rc) {
			fprintf(stderr, "# jail: %s: %s\n", step, strerror(-rc));
			_exit(20);
		}
		act(a);
	}
	close(sync_pipe[1]);
	close(go_pipe[0]);
	return pid;
}

static void close_pipes(void)
{
	close(sync_pipe[0]);
	close(go_pipe[1]);
}

static int outcome(const struct jail_spec *spec, enum action a)
{
	pid_t pid = run_jailed(spec, a);
	int st = pid > 0 ? harness_wait(pid, 10000) : -1;
	close_pipes();
	return st;
}

#define KILLED_BY_SIGSYS(st) ((st) >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
#define EXITED_0(st) ((st) >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)

static int limits_line(pid_t pid, const char *name, char *out, size_t len)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int rc = -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, name, strlen(name)) == 0) {
			snprintf(out, len, "%s", line + strlen(name));
			rc = 0;
		}
	fclose(f);
	return rc;
}

int main(void)
{
	log_init("test-jail");
	log_set_level(LOG_ERROR);
	struct jail_spec base = { .server = 1, .nofile = 64 };

	/* A jailed process waits on a pipe while we read its /proc status. */
	pid_t pid = run_jailed(&base, DO_WAIT);
	char c, v[128], lim[256];
	CHECK(pid > 0 && read(sync_pipe[0], &c, 1) == 1, "jailed child is running");
	CHECK(harness_proc_status(pid, "Seccomp", v, sizeof(v)) == 0 && strcmp(v, "2") == 0,
	      "Seccomp: 2 (filter mode)");
	CHECK(harness_proc_status(pid, "NoNewPrivs", v, sizeof(v)) == 0 && strcmp(v, "1") == 0,
	      "NoNewPrivs: 1");
	const char *sets[] = { "CapEff", "CapPrm", "CapInh", "CapBnd", "CapAmb" };
	for (size_t i = 0; i < 5; i++) {
		/* Shrinking the bounding set needs CAP_SETPCAP. */
		if (i == 3 && geteuid() != 0) {
			TAP_SKIP("CapBnd: not root, a process without CAP_SETPCAP keeps its bounding set");
			continue;
		}
		CHECK(harness_proc_status(pid, sets[i], v, sizeof(v)) == 0 &&
		      strcmp(v, "0000000000000000") == 0, "%s empty (%s)", sets[i], v);
	}
	CHECK(limits_line(pid, "Max core file size", lim, sizeof(lim)) == 0 &&
	      strtol(lim, NULL, 10) == 0 && strstr(lim, " 0 "), "core dumps off");
	CHECK(limits_line(pid, "Max open files", lim, sizeof(lim)) == 0 &&
	      strtol(lim, NULL, 10) == 64, "RLIMIT_NOFILE from the spec");
	close(go_pipe[1]);
	go_pipe[1] = -1;
	int st = harness_wait(pid, 10000);
	close(sync_pipe[0]);
	CHECK(EXITED_0(st), "jailed process reads, writes and exits normally");

	st = outcome(&base, DO_EXECVE);
	CHECK(KILLED_BY_SIGSYS(st), "execve in the jail: killed by SIGSYS (status 0x%x)", st);
	st = outcome(&base, DO_SOCKET);
	CHECK(KILLED_BY_SIGSYS(st), "socket() without net_client: killed by SIGSYS");
	st = outcome(&base, DO_UNAME);
	CHECK(KILLED_BY_SIGSYS(st), "uname not in the base set: killed by SIGSYS");

	static const int extra[] = { SCMP_SYS(uname) };
	struct jail_spec with_uname = base;
	with_uname.syscalls = extra;
	with_uname.n_syscalls = 1;
	st = outcome(&with_uname, DO_UNAME);
	CHECK(EXITED_0(st), "uname allowed when the caller adds it");

	static const unsigned long ioctls[] = { TIOCGWINSZ };
	struct jail_spec with_ioctl = base;
	with_ioctl.ioctls = ioctls;
	with_ioctl.n_ioctls = 1;
	st = outcome(&with_ioctl, DO_IOCTL_OK);
	CHECK(EXITED_0(st), "an allowed ioctl request goes through");
	st = outcome(&with_ioctl, DO_IOCTL_BAD);
	CHECK(KILLED_BY_SIGSYS(st), "another ioctl request: killed by SIGSYS");

	struct jail_spec empty = base;
	empty.empty_root = 1;
	empty.files = 1;
	st = outcome(&empty, DO_OPEN_ETC);
	CHECK(EXITED_0(st), "empty_root: no host file is reachable (status 0x%x)", st);

	/* Its own root: only the binds, at their own paths. */
	char p[2048];
	CHECK(harness_temp_dir(tree, sizeof(tree), "jail-root") == 0, "temp tree");
	snprintf(p, sizeof(p), "%s/ro.txt", tree);
	FILE *f = fopen(p, "w");
	CHECK(f && fputs("hello", f) >= 0 && fclose(f) == 0, "a read-only file");
	snprintf(p, sizeof(p), "%s/secret.key", tree);
	f = fopen(p, "w");
	CHECK(f && fclose(f) == 0, "a secret beside it, not bound");
	snprintf(p, sizeof(p), "%s/data", tree);
	CHECK(mkdir(p, 0700) == 0, "a data directory");
	struct jail_spec rooted = base;
	rooted.files = 1;
	rooted.base_dir = tree;
	rooted.binds[0] = (struct jail_bind){ "ro.txt", 0 };
	rooted.binds[1] = (struct jail_bind){ "data", 1 };
	rooted.n_binds = 2;
	CHECK(chdir(tree) == 0, "cwd in the tree");
	st = outcome(&rooted, DO_FILES);
	CHECK(EXITED_0(st), "binds: the read-only file reads but refuses writes, the data dir takes "
	      "new files, the secret, /etc/shadow and new files elsewhere are out of reach, "
	      "relative paths still work (status 0x%x)", st);
	snprintf(p, sizeof(p), "%s/data/made-inside", tree);
	CHECK(access(p, F_OK) == 0 && unlink(p) == 0, "the file made inside is on the host");

	/* Its own user, as root. */
	if (geteuid() != 0) {
		TAP_SKIP("uid switch: not root (the jail keeps the uid; run ./scripts/test as root)");
	} else {
		uid_t id = 0x7ffff000;
		while (getpwuid(id) || getgrgid(id))
			id++;
		struct jail_spec user = rooted;
		user.uid = id;
		user.gid = id;
		snprintf(p, sizeof(p), "%s/data", tree);
		CHECK(chown(p, id, id) == 0, "data dir owned by uid %u", (unsigned)id);
		pid = run_jailed(&user, DO_WAIT);
		CHECK(pid > 0 && read(sync_pipe[0], &c, 1) == 1, "a child jailed as uid %u runs", (unsigned)id);
		char want[64];
		snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", id, id, id, id);
		CHECK(harness_proc_status(pid, "Uid", v, sizeof(v)) == 0 && strcmp(v, want) == 0,
		      "Uid: %s", v);
		CHECK(harness_proc_status(pid, "Gid", v, sizeof(v)) == 0 && strcmp(v, want) == 0,
		      "Gid: %s", v);
		CHECK(harness_proc_status(pid, "Groups", v, sizeof(v)) == 0 && v[0] == '\0',
		      "no supplementary groups");
		for (size_t i = 0; i < 5; i++)
			CHECK(harness_proc_status(pid, sets[i], v, sizeof(v)) == 0 &&
			      strcmp(v, "0000000000000000") == 0, "%s empty after the switch (%s)", sets[i], v);
		close(go_pipe[1]);
		st = harness_wait(pid, 10000);
		close(sync_pipe[0]);
		CHECK(EXITED_0(st), "and exits normally");
		st = outcome(&user, DO_FILES);
		CHECK(EXITED_0(st), "binds hold as that user (status 0x%x)", st);
		struct stat sb;
		snprintf(p, sizeof(p), "%s/data/made-inside", tree);
		CHECK(stat(p, &sb) == 0 && sb.st_uid == id, "its files are its own");
	}
	CHECK(chdir("/") == 0, "cwd back");

	/* socket(): stream sockets of the allowed families only. */
	struct jail_spec client = base;
	client.net_client = 1;
	CHECK(EXITED_0(outcome(&client, DO_SOCKET_INET)), "net_client: AF_INET stream socket");
	CHECK(EXITED_0(outcome(&client, DO_SOCKET_INET6)), "net_client: AF_INET6 stream socket");
	CHECK(KILLED_BY_SIGSYS(outcome(&client, DO_SOCKET_DGRAM)), "AF_INET datagram socket: SIGSYS");
	CHECK(KILLED_BY_SIGSYS(outcome(&client, DO_SOCKET_UNIX)), "AF_UNIX not asked for: SIGSYS");
	CHECK(KILLED_BY_SIGSYS(outcome(&client, DO_SOCKET_NETLINK)), "AF_NETLINK: SIGSYS");
	struct jail_spec with_unix = client;
	with_unix.socket_families = JAIL_SOCK_UNIX;
	CHECK(EXITED_0(outcome(&with_unix, DO_SOCKET_UNIX)), "AF_UNIX stream socket when asked for");
	CHECK(KILLED_BY_SIGSYS(outcome(&with_unix, DO_SOCKET_INET)), "then AF_INET: SIGSYS");

	/* connect(): only to the ports given (Landlock ABI >= 4). */
	int la = -1, lb = -1;
	for (int i = 0; i < 2; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(a);
		CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		      listen(fd, 4) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0,
		      "loopback listener %d", i);
		*(i ? &other_port : &allowed_port) = ntohs(a.sin_port);
		*(i ? &lb : &la) = fd;
	}
	struct jail_spec peers = client;
	peers.connect_ports[0] = (unsigned short)allowed_port;
	peers.n_connect_ports = 1;
	CHECK(EXITED_0(outcome(&peers, DO_CONNECT_ALLOWED)), "connect to the peer's port %d", allowed_port);
	if (jail_landlock_abi() < 4)
		TAP_SKIP("connect to another port: kernel Landlock ABI %d < 4, no network rules",
			 jail_landlock_abi());
	else
		CHECK(EXITED_0(outcome(&peers, DO_CONNECT_OTHER)),
		      "connect to a port not listed (%d): EACCES (Landlock ABI %d)", other_port,
		      jail_landlock_abi());
	close(la);
	close(lb);

	/* Threads but no other child. */
	struct jail_spec threaded = base;
	threaded.threads = 1;
	CHECK(EXITED_0(outcome(&threaded, DO_THREAD)), "threads: a thread starts and joins");
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
	TAP_SKIP_BUILD("without threads, clone refused: a sanitizer build allows clone for LeakSanitizer");
	TAP_SKIP_BUILD("threads: fork refused: a sanitizer build allows clone for LeakSanitizer");
#else
	CHECK(KILLED_BY_SIGSYS(outcome(&base, DO_THREAD)), "without threads: SIGSYS");
	CHECK(KILLED_BY_SIGSYS(outcome(&threaded, DO_FORK)), "threads: fork is still SIGSYS");
#endif

	/* The configuration's spelling of the same. */
	json_t *cfg = json_pack("{s:i,s:i,s:[s,s],s:[s],s:[i,i]}", "uid", 1879048208, "gid",
				1879048208, "read", "certs/a.pem", "ca.pem", "write", "data/a",
				"connect", 40001, 40002);
	struct jail_spec loaded = { 0 };
	char err[256];
	CHECK(jail_spec_load(&loaded, cfg, "/p", err, sizeof(err)) == 0 && loaded.uid == 1879048208 &&
	      loaded.gid == 1879048208 && loaded.n_binds == 3 && loaded.binds[2].writable &&
	      !loaded.binds[0].writable && loaded.n_connect_ports == 2 &&
	      loaded.connect_ports[1] == 40002 && strcmp(loaded.base_dir, "/p") == 0,
	      "jail_spec_load reads uid, gid, read, write and connect");
	json_object_set_new(cfg, "uid", json_integer(0));
	CHECK(jail_spec_load(&(struct jail_spec){ 0 }, cfg, "/p", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "uid"), "uid 0 refused: %s", err);
	json_object_set_new(cfg, "uid", json_integer(5));
	json_object_set_new(cfg, "connect", json_pack("[i]", 70000));
	CHECK(jail_spec_load(&(struct jail_spec){ 0 }, cfg, "/p", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "port"), "port 70000 refused: %s", err);
	json_decref(cfg);
	CHECK(jail_spec_load(&loaded, NULL, NULL, err, sizeof(err)) == 0, "no jail object: nothing to load");
	harness_remove_tree(tree);
	TAP_DONE();
}
