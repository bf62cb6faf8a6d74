#include "report.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

void report_send(int fd, const struct report *r)
{
    ssize_t n;
    do
        n = write(fd, r, sizeof *r);
    while (n < 0 && errno == EINTR);
}

int report_receive(int fd, struct report *r)
{
    ssize_t n;
    do
        n = read(fd, r, sizeof *r);
    while (n < 0 && errno == EINTR);
    if (n == 0)
        return 0;
    if (n != (ssize_t)sizeof *r)
        return -1;
    return 1;
}
