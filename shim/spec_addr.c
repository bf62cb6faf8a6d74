#include "spec_addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static const char *parse_port(const char *text, in_port_t *port)
{
    unsigned long n = 0;
    size_t digits = strspn(text, "0123456789");
    if (digits == 0 || text[digits] != '\0' || digits > 5)
        return "the port is not a number from 0 to 65535";
    for (size_t i = 0; i < digits; i++)
        n = n * 10 + (unsigned long)(text[i] - '0');
    if (n > 65535)
        return "the port is not a number from 0 to 65535";
    *port = htons((in_port_t)n);
    return NULL;
}

static const char *parse_ipv6(const char *text, struct sockaddr_storage *addr,
                              socklen_t *len)
{
    const char *close = strchr(text, ']');
    if (!close)
        return "an IPv6 address needs a closing ']'";
    if (close[1] != ':')
        return "missing :PORT after the IPv6 address";
    char host[INET6_ADDRSTRLEN + 1];
    size_t host_len = (size_t)(close - text - 1);
    if (host_len >= sizeof host)
        return "not an IPv6 address";
    memcpy(host, text + 1, host_len);
    host[host_len] = '\0';
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)addr;
    memset(in6, 0, sizeof *in6);
    in6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
        return "not an IPv6 address";
    *len = sizeof *in6;
    return parse_port(close + 2, &in6->sin6_port);
}

static const char *parse_ipv4(const char *text, struct sockaddr_storage *addr,
                              socklen_t *len)
{
    const char *colon = strrchr(text, ':');
    if (!colon)
        return "missing :PORT";
    char host[INET_ADDRSTRLEN + 1];
    size_t host_len = (size_t)(colon - text);
    if (host_len >= sizeof host)
        return "not an IPv4 address (an IPv6 address is written [ADDRESS]:PORT)";
    memcpy(host, text, host_len);
    host[host_len] = '\0';
    struct sockaddr_in *in4 = (struct sockaddr_in *)addr;
    memset(in4, 0, sizeof *in4);
    in4->sin_family = AF_INET;
    if (inet_pton(AF_INET, host, &in4->sin_addr) != 1)
        return "not an IPv4 address (an IPv6 address is written [ADDRESS]:PORT)";
    *len = sizeof *in4;
    return parse_port(colon + 1, &in4->sin_port);
}

const char *spec_parse_address(const char *text, struct sockaddr_storage *addr,
                               socklen_t *len)
{
    memset(addr, 0, sizeof *addr);
    if (text[0] == '[')
        return parse_ipv6(text, addr, len);
    return parse_ipv4(text, addr, len);
}
