/* Voiding a mount namespace: private first, an empty tmpfs as the new root,
 * pivot_root, then the old root detached. Runs in a new user namespace of its
 * own, so it needs no privilege and cannot touch the host's mounts. */
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#define TRY(call) do { if ((call) != 0) { perror(#call); return 1; } } while (0)

int main(void)
{
    TRY(unshare(CLONE_NEWUSER | CLONE_NEWNS));
    /* 1. Nothing done from here on may propagate back: recursively private. */
    TRY(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    /* 2. An empty tmpfs, mounted over /tmp inside this namespace only. */
    TRY(mount("void", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k"));
    TRY(chdir("/tmp"));
    /* 3. pivot_root(".", "."): the old root ends up stacked on the new one ... */
    TRY((int)syscall(SYS_pivot_root, ".", "."));
    /* 4. ... and is detached with everything below it. */
    TRY(umount2(".", MNT_DETACH));
    TRY(chdir("/"));
    DIR *d = opendir("/");
    int entries = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        entries += e->d_name[0] != '.';
    printf("entries in the new root: %d; /proc: %s\n", entries,
           access("/proc/self", F_OK) == 0 ? "visible" : "absent");
    return entries == 0 && access("/proc/self", F_OK) != 0 ? 0 : 1;
}
