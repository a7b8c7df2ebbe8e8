#include "nodelay.h"

#define NODELAY_FD_MAX 4096

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int set_all(int listening_only)
{
	int count = 0, one = 1;

	/* A fixed bound rather than getrlimit(), which the jail forbids. */
	for (int fd = 0; fd < NODELAY_FD_MAX; fd++) {
		int listening = 0, type = 0;
		socklen_t len = sizeof(listening);

		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) ||
		    (listening_only && !listening))
			continue;
		len = sizeof(type);
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
		    type != SOCK_STREAM)
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ==
		    0)
			count++;
	}
	return count;
}

int listeners_set_nodelay(void)
{
	return set_all(1);
}

int sockets_set_nodelay(void)
{
	return set_all(0);
}
