/* TCP listener addresses of the spec format: "IPv4:PORT" or "[IPv6]:PORT", PORT 0 to
 * 65535. The spec front end checks them; the runtime turns them into a sockaddr. */
#ifndef VOID_SPEC_ADDR_H
#define VOID_SPEC_ADDR_H

#include <sys/socket.h>

/* Parses text into *addr (AF_INET or AF_INET6) and *len. Returns NULL on success,
 * else why the text is not an address, as a static string. */
const char *spec_parse_address(const char *text, struct sockaddr_storage *addr,
                               socklen_t *len);

#endif
