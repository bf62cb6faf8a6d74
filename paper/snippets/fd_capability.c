/* A descriptor is a capability: a child with no network and no view of the file
 * system still reads the file whose open descriptor it is handed over a socket
 * (SCM_RIGHTS). */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int recv_fd(int sock)
{
    char byte, ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { &byte, 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = ctl, .msg_controllen = sizeof ctl };
    if (recvmsg(sock, &msg, 0) != 1 || !CMSG_FIRSTHDR(&msg))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof fd);
    return fd;
}

static int send_fd(int sock, int fd)
{
    char byte = 0, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
    struct iovec iov = { &byte, 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = ctl, .msg_controllen = sizeof ctl };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

int main(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        /* The child gives up the network and the file system before it is
         * handed anything: its root becomes an empty tmpfs, mounted in its own
         * (private) mount namespace. */
        if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) != 0 ||
            mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
            mount("void", "/tmp", "tmpfs", 0, "size=16k") != 0 ||
            chroot("/tmp") != 0)
            _exit(2);
        char buf[64] = "";
        int fd = recv_fd(sv[1]);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        printf("child: /etc/hostname %s; read %zd bytes through fd %d\n",
               access("/etc/hostname", F_OK) == 0 ? "visible" : "not visible",
               n, fd);
        fflush(stdout);
        _exit(n > 0 && access("/etc/hostname", F_OK) != 0 ? 0 : 1);
    }
    close(sv[1]);
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0 || send_fd(sv[0], fd) != 0)
        return 1;
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
