/* fib: prints the first N Fibonacci numbers (N from the trailing arguments, default 10).
 *
 * Its void is given nothing but the shim's standard output: no files, no libraries (it
 * is linked statically, and the spec says NoLibs), no /proc, no network. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_N 94   /* fib(93) is the largest that fits in 64 bits */

int main(int argc, char **argv)
{
    long n = 10;
    if (argc > 1) {
        char *end;
        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || n < 1 || n > MAX_N) {
            fprintf(stderr, "fib: N must be a number from 1 to %d, got \"%s\"\n", MAX_N,
                    argv[1]);
            return 2;
        }
    }
    uint64_t a = 0, b = 1;
    for (long i = 0; i < n; i++) {
        printf("%" PRIu64 "%c", a, i + 1 < n ? ' ' : '\n');
        uint64_t next = a + b;
        a = b;
        b = next;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
