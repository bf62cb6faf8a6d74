/* A user namespace that maps the caller's uid and gid to themselves (one line
 * each), with setgroups denied: what void_user does, and what needs no
 * privilege. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void put(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        perror(path);
        exit(1);
    }
    close(fd);
}

int main(void)
{
    uid_t uid = getuid();  /* captured before: inside, unmapped ids read as 65534 */
    gid_t gid = getgid();
    char map[64];
    if (unshare(CLONE_NEWUSER) != 0) {
        perror("unshare(CLONE_NEWUSER)");
        return 1;
    }
    put("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    put("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    put("/proc/self/gid_map", map);
    printf("uid %u -> %u, gid %u -> %u\n", (unsigned)uid, (unsigned)getuid(),
           (unsigned)gid, (unsigned)getgid());
    return getuid() == uid && getgid() == gid ? 0 : 1;
}
