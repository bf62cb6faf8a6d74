/* basic: two Startup entrypoints, main1 and main2, run the same binary in two voids;
 * each prints one line naming its role, which it takes from its Entrypoint argument.
 * Each is pid 1 of a pid namespace of its own and its hostname is "void".
 *
 * Dynamically linked: the shim binds the ELF interpreter and libc into each void. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *role = argc > 1 ? argv[1] : "";
    const char *what;
    if (strcmp(role, "main1") == 0)
        what = "the first";
    else if (strcmp(role, "main2") == 0)
        what = "the second";
    else {
        fprintf(stderr, "basic: unknown entrypoint \"%s\" (expected main1 or main2)\n", role);
        return 2;
    }
    char host[65] = "";
    gethostname(host, sizeof host - 1);
    printf("%s: hello from %s void (pid %d on host %s)\n", role, what, (int)getpid(), host);
    return fflush(stdout) == 0 ? 0 : 1;
}
