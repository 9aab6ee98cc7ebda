/* net.h: listening sockets (TCP and unix) and socket options. */
#ifndef MODIS_NET_H
#define MODIS_NET_H

#include <stddef.h>

/* Returns a non-blocking listening socket, or -1 with a message in err. */
int net_listen_tcp(const char *bind, int port, int backlog, char *err, size_t errlen);
int net_listen_unix(const char *path, int perm, int backlog, char *err, size_t errlen);
int net_set_nonblock(int fd);
void net_tune_client(int fd, int keepalive);
/* "ip:port" of the peer / local end into out. */
void net_peer_name(int fd, int local, int is_unix, char *out, size_t cap);

#endif
