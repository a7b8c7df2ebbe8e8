/* Latency fix for request/response traffic on the listeners. */
#ifndef KETTLE_STORAGE_NODELAY_H
#define KETTLE_STORAGE_NODELAY_H

/* Sets TCP_NODELAY on every listening TCP socket of the process; Linux
 * hands the option down to the connections they accept. Without it a reply
 * written as two TLS records waits for the peer's delayed ACK (~40 ms per
 * request on keep-alive connections). Returns how many sockets it set. */
int listeners_set_nodelay(void);

#endif
