/* A new pid namespace: the first child is pid 1 in it, and sees no other
 * process. */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024];

static int child(void *arg)
{
    (void)arg;
    printf("in the void: pid %d, parent %d\n", (int)getpid(), (int)getppid());
    return getpid() == 1 ? 0 : 1;
}

int main(void)
{
    pid_t pid = clone(child, stack + sizeof stack,
                      CLONE_NEWUSER | CLONE_NEWPID | SIGCHLD, NULL);
    int status;
    if (pid < 0) {
        perror("clone(CLONE_NEWUSER | CLONE_NEWPID)");
        return 1;
    }
    if (waitpid(pid, &status, 0) != pid)
        return 1;
    printf("outside: the same process is pid %d\n", (int)pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
