/* Latency fix for request/response traffic on the listeners. */
#ifndef KETTLE_STORAGE_NODELAY_H
#define KETTLE_STORAGE_NODELAY_H

/* Sets TCP_NODELAY on every listening TCP socket of the process; Linux
 * hands the option down to the connections they accept. Without it a reply
 * written as two TLS records waits for the peer's delayed ACK (~40 ms per
 * request on keep-alive connections). Returns how many sockets it set. */
int listeners_set_nodelay(void);

/* Sets TCP_NODELAY on every TCP socket of the process, connected ones
 * included: the keep-alive client of services/common does not set it, so
 * a caller runs this after its client opened a new connection (see
 * rpc_client_connections()). Returns how many sockets it set. */
int sockets_set_nodelay(void);

#endif
