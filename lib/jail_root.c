/* SPDX-License-Identifier: Apache-2.0 */
/* The jail's own root and own user: a private mount namespace on a
 * read-only tmpfs holding only the spec's binds, and the switch to the
 * service's uid and gid. See jail.h for the order and why. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sys/capability.h>

#include "lib/jail_internal.h"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int rc = n == (ssize_t)strlen(text) ? 0 : -EIO;
	if (n < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Without CAP_SYS_ADMIN a user namespace (mapping our own ids) grants the
 * right to make a private mount namespace. */
static int unshare_mounts(void)
{
	if (unshare(CLONE_NEWNS) == 0)
		return 0;
	if (errno != EPERM)
		return -errno;
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
		return -errno;
	char map[64];
	int rc = write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (!rc)
		rc = write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (!rc)
		rc = write_file("/proc/self/gid_map", map);
	return rc;
}

/* An absolute spelling of path (relative ones against base, then the cwd).
 * Not canonicalised: inside the jail the same spelling must name it. */
static int absolute(const char *base, const char *path, char *out, size_t len)
{
	char cwd[PATH_MAX];
	int n;
	if (path[0] == '/')
		n = snprintf(out, len, "%s", path);
	else if (base && base[0] == '/')
		n = snprintf(out, len, "%s/%s", base, path);
	else if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	else if (base)
		n = snprintf(out, len, "%s/%s/%s", cwd, base, path);
	else
		n = snprintf(out, len, "%s/%s", cwd, path);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* mkdir -p inside the new root (the tmpfs), components 0755. */
static int make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		int rc = mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -errno;
		*p = c;
		if (rc || c == '\0')
			return rc;
	}
}

/* Mount flags a bind must keep: in a user namespace the kernel refuses to
 * clear the locked flags (atime, nodev, ...) of the mount it comes from. */
static unsigned long kept_flags(int fd)
{
	struct statvfs v;
	unsigned long f = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (fstatvfs(fd, &v) != 0)
		return f;
	if (v.f_flag & ST_RDONLY)
		f |= MS_RDONLY;
	if (v.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (v.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (v.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

/* Binds the object open as fd (O_PATH) at stage + path. */
static int bind_one(const char *stage, const char *path, int fd, int writable)
{
	char target[PATH_MAX], src[64];
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return -EINVAL;
	int n = snprintf(target, sizeof(target), "%s%s", stage, path);
	if (n < 0 || (size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	char *slash = strrchr(target, '/');
	*slash = '\0';
	int rc = make_dirs(target);
	*slash = '/';
	if (rc)
		return rc;
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(target, 0755) != 0 && errno != EEXIST)
			return -errno;
	} else {
		int t = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (t < 0)
			return -errno;
		close(t);
	}
	/* By its descriptor: the tmpfs may hide its host path. */
	snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
	if (mount(src, target, NULL, MS_BIND, NULL) != 0)
		return -errno;
	unsigned long flags = kept_flags(fd) | (writable ? 0 : MS_RDONLY);
	if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | flags, NULL) != 0)
		return -errno;
	return 0;
}

static int open_binds(const struct jail_spec *spec, char paths[][PATH_MAX], int *fds)
{
	for (size_t i = 0; i < spec->n_binds; i++) {
		int rc = absolute(spec->base_dir, spec->binds[i].path, paths[i], PATH_MAX);
		if (rc)
			return rc;
		fds[i] = open(paths[i], O_PATH | O_CLOEXEC);
		/* A file to read that is not there is simply not in the
		 * root: the service then says itself which file it lacks. */
		if (fds[i] < 0 && errno == ENOENT && !spec->binds[i].writable)
			continue;
		if (fds[i] < 0)
			return -errno;
	}
	return 0;
}

static int build_root(const struct jail_spec *spec, char paths[][PATH_MAX],
		      int *fds, const char *cwd)
{
	int rc = unshare_mounts();
	if (rc)
		return rc;
	/* Keep our mounts from propagating back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return -errno;
	/* Opened in the new namespace (a bind's source must be one of its
	 * mounts) and before the tmpfs goes up, which may hide them. */
	rc = open_binds(spec, paths, fds);
	if (rc)
		return rc;
	const char *stage = access("/tmp", F_OK) == 0 ? "/tmp" : "/mnt";
	const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (mount("kettle-jail", stage, "tmpfs", flags,
		  "size=64k,nr_inodes=256,mode=0755") != 0)
		return -errno;
	for (size_t i = 0; !rc && i < spec->n_binds; i++)
		if (fds[i] >= 0)
			rc = bind_one(stage, paths[i], fds[i], spec->binds[i].writable);
	char where[PATH_MAX];
	if (!rc && cwd[0] == '/' && strcmp(cwd, "/") != 0 &&
	    snprintf(where, sizeof(where), "%s%s", stage, cwd) < (int)sizeof(where))
		rc = make_dirs(where);
#ifdef JAIL_SANITIZED
	/* LeakSanitizer's exit-time check reads /proc/self; a test build
	 * keeps it, nothing else. */
	snprintf(where, sizeof(where), "%s/proc", stage);
	if (!rc && ((mkdir(where, 0555) != 0 && errno != EEXIST) ||
		    mount("/proc", where, NULL, MS_BIND | MS_REC, NULL) != 0))
		rc = -errno;
#endif
	if (rc)
		return rc;
	if (mount(NULL, stage, NULL, MS_REMOUNT | MS_RDONLY | flags, NULL) != 0)
		return -errno;
	if (chdir(stage) != 0)
		return -errno;
	/* pivot_root(".", ".") stacks the old root under the new one; the
	 * detach then leaves only the tmpfs and its binds. */
	if (syscall(SYS_pivot_root, ".", ".") != 0)
		return -errno;
	if (umount2(".", MNT_DETACH) != 0)
		return -errno;
	if (chdir("/") != 0)
		return -errno;
	/* Relative paths keep their meaning where they lead to a bind. */
	if (cwd[0] == '/' && chdir(cwd) != 0)
		return -errno;
	return 0;
}

int jail_new_root(const struct jail_spec *spec)
{
	char paths[JAIL_MAX_BINDS][PATH_MAX], cwd[PATH_MAX];
	int fds[JAIL_MAX_BINDS];
	if (spec->n_binds > JAIL_MAX_BINDS)
		return -E2BIG;
	for (size_t i = 0; i < spec->n_binds; i++)
		fds[i] = -1;
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	int rc = build_root(spec, paths, fds, cwd);
	for (size_t i = 0; i < spec->n_binds; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return rc;
}

int jail_drop_bounding(void)
{
	/* The bounding set can only shrink with CAP_SETPCAP, which an
	 * unprivileged process lacks; it then has nothing to bound anyway. */
	int privileged = 0;
	cap_t cur = cap_get_proc();
	if (cur) {
		cap_flag_value_t v = CAP_CLEAR;
		cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &v);
		privileged = v == CAP_SET;
		cap_free(cur);
	}
	if (privileged) {
		for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++)
			if (CAP_IS_SUPPORTED(c) && cap_drop_bound(c) != 0)
				return -errno;
	}
	if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() != 0)
		return -errno;
	return 0;
}

int jail_switch_user(const struct jail_spec *spec)
{
	uid_t r, e, s;
	gid_t gr, ge, gs;
	if (spec->uid == 0 || spec->gid == 0 || spec->uid == (uid_t)-1 ||
	    spec->gid == (gid_t)-1)
		return -EINVAL;
	/* Groups first, then the gid, then the uid: once the uid is no longer
	 * 0 the process may change neither. */
	if (setgroups(0, NULL) != 0 ||
	    setresgid(spec->gid, spec->gid, spec->gid) != 0 ||
	    setresuid(spec->uid, spec->uid, spec->uid) != 0)
		return -errno;
	if (getresuid(&r, &e, &s) != 0 || getresgid(&gr, &ge, &gs) != 0)
		return -errno;
	if (r != spec->uid || e != spec->uid || s != spec->uid ||
	    gr != spec->gid || ge != spec->gid || gs != spec->gid ||
	    getgroups(0, NULL) != 0)
		return -EPERM;
#ifdef JAIL_SANITIZED
	/* The uid change made the process undumpable; LeakSanitizer's
	 * exit-time check must still ptrace it and read /proc/self. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
#endif
	return 0;
}
