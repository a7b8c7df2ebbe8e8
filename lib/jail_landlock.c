/* SPDX-License-Identifier: Apache-2.0 */
/* Landlock network rules for the jail: no TCP bind, TCP connect only to
 * the ports given; from ABI 6 also scoped signals and abstract unix
 * sockets. Debian 12's headers stop at ABI 3, so the ABI 4-6 constants
 * and structures are spelled here from the kernel's UAPI. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/jail_internal.h"

#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_NET_PORT 2
#define LL_ACCESS_NET_BIND_TCP (1ull << 0)
#define LL_ACCESS_NET_CONNECT_TCP (1ull << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ull << 0)
#define LL_SCOPE_SIGNAL (1ull << 1)

struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

struct ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};

int jail_landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
			   LL_CREATE_RULESET_VERSION);
	return abi > 0 ? (int)abi : 0;
}

int jail_landlock(const unsigned short *ports, size_t n)
{
	int abi = jail_landlock_abi();
	if (abi < 4)
		return 0;
	struct ll_ruleset_attr attr = {
		.handled_access_net = LL_ACCESS_NET_BIND_TCP | LL_ACCESS_NET_CONNECT_TCP,
	};
	size_t size = offsetof(struct ll_ruleset_attr, scoped);
	if (abi >= 6) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		size = sizeof(attr);
	}
	int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return -errno;
	int rc = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		struct ll_net_port_attr port = { LL_ACCESS_NET_CONNECT_TCP, ports[i] };
		if (syscall(SYS_landlock_add_rule, fd, LL_RULE_NET_PORT, &port, 0) != 0)
			rc = -errno;
	}
	if (!rc && syscall(SYS_landlock_restrict_self, fd, 0) != 0)
		rc = -errno;
	close(fd);
	return rc;
}
