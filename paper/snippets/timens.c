/* A time namespace whose monotonic clock starts near zero: the offset is
 * written after unshare(CLONE_NEWTIME) and before the first task (a child)
 * enters it. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    struct timespec now;
    char off[64];
    if (unshare(CLONE_NEWUSER | CLONE_NEWTIME) != 0) {
        perror("unshare(CLONE_NEWUSER | CLONE_NEWTIME)");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    int n = snprintf(off, sizeof off, "monotonic %lld 0\n", -(long long)now.tv_sec);
    int fd = open("/proc/self/timens_offsets", O_WRONLY);
    if (fd < 0 || write(fd, off, (size_t)n) != n) {
        perror("timens_offsets");
        return 1;
    }
    close(fd);
    pid_t pid = fork();  /* the caller stays outside; its children are inside */
    if (pid == 0) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        printf("monotonic clock in the void: %lld s\n", (long long)now.tv_sec);
        fflush(stdout);
        _exit(now.tv_sec < 5 ? 0 : 1);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
