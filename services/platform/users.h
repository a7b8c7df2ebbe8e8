/* SPDX-License-Identifier: Apache-2.0 */
/* One unprivileged user and group per service, for `init` run as root. */
#ifndef KETTLE_PLATFORM_USERS_H
#define KETTLE_PLATFORM_USERS_H

#include <stddef.h>
#include <sys/types.h>

/* Ids are drawn from [USERS_FIRST_ID, USERS_FIRST_ID + 2^24): above what
 * Debian and systemd allocate (system users, dynamic users, container
 * ranges end below 0x70000000) and below 2^31. */
#define USERS_FIRST_ID 0x70000000u

struct service_user {
	const char *name; /* the service */
	uid_t uid;        /* 0 = none (init not run as root) */
	gid_t gid;
};

/* "NAME=UID[:GID]" (from --user) into u; -EINVAL when malformed or 0. */
int users_parse(const char *arg, struct service_user *u);

/* Gives each of users[0..n) without an id a uid and gid of its own: a
 * random block of n consecutive ids no passwd or group entry uses (so
 * two platforms on one host get different ones). 0 or -EAGAIN. */
int users_allocate(struct service_user *users, size_t n);

/* chown DIR/rel to the user, then chmod it to mode. 0 or -errno. */
int users_own(const char *dir, const char *rel, const struct service_user *u,
	      mode_t mode);

#endif
