/*
 * Minimal reproducer: the copy of an MS_UNBINDABLE mount in a new mount namespace is
 * private and can be bind-mounted.
 *
 * Documentation/filesystems/sharedsubtree.rst, 5g (Clone Namespace): "If 'A' is
 * unbindable mount, then 'B' is a unbindable mount too."
 *
 * Run as root. Everything happens in a throwaway mount namespace made recursively
 * private first; the caller's mounts are not touched.
 *
 *   cc -std=c11 -D_GNU_SOURCE -Wall -o unbindable_repro detach_unbindable_repro.c
 *   ./unbindable_repro
 *
 * Exit status: 0 the copy is unbindable as documented, 1 the copy is bindable
 * (contradicts the documentation), 2 the setup failed.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static void die(const char *step)
{
    fprintf(stderr, "setup: %s: %s\n", step, strerror(errno));
    exit(2);
}

static void show_mountinfo_line(const char *label, const char *mount_point)
{
    char line[1024], needle[256];
    FILE *file = fopen("/proc/self/mountinfo", "r");
    if (!file)
        die("open /proc/self/mountinfo");
    snprintf(needle, sizeof needle, " %s ", mount_point);
    while (fgets(line, sizeof line, file))
        if (strstr(line, needle))
            printf("%s: %s", label, line);
    fclose(file);
}

static int try_bind(const char *label)
{
    int rc = mount("/tmp/u", "/tmp/t", NULL, MS_BIND, NULL);
    printf("%s: bind /tmp/u on /tmp/t: %s\n", label, rc == 0 ? "succeeded" : strerror(errno));
    if (rc == 0 && umount2("/tmp/t", 0) != 0)
        die("umount /tmp/t");
    return rc;
}

int main(void)
{
    if (unshare(CLONE_NEWNS) != 0)
        die("unshare");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        die("make / rprivate");
    if (mount("tmpfs", "/tmp", "tmpfs", 0, NULL) != 0)
        die("mount tmpfs on /tmp");
    if (mkdir("/tmp/u", 0755) != 0 || mkdir("/tmp/t", 0755) != 0)
        die("mkdir");
    if (mount("tmpfs", "/tmp/u", "tmpfs", 0, NULL) != 0)
        die("mount tmpfs on /tmp/u");
    if (mount(NULL, "/tmp/u", NULL, MS_UNBINDABLE, NULL) != 0)
        die("make /tmp/u unbindable");

    show_mountinfo_line("original", "/tmp/u");
    if (try_bind("original") == 0) {
        fprintf(stderr, "setup: the original itself is bindable\n");
        return 2;
    }

    if (unshare(CLONE_NEWNS) != 0)
        die("unshare the second namespace");
    show_mountinfo_line("copy", "/tmp/u");
    if (try_bind("copy") == 0) {
        printf("RESULT: the copy of an unbindable mount is bindable "
               "(sharedsubtree.rst 5g says it is unbindable too)\n");
        return 1;
    }
    printf("RESULT: the copy is unbindable, as documented\n");
    return 0;
}
