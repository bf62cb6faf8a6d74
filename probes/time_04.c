/* TIME-04: re-offset my own time namespace after start: write a zero monotonic offset to
 * /proc/self/timens_offsets (refused once a task has entered the namespace; a zero offset
 * changes nothing even if accepted), then unshare(CLONE_NEWTIME), which only affects
 * children that this probe never creates. ESCAPED if the entered namespace accepted it. */
#include "probe_util.h"

#define ID "TIME-04"
#define GROUP "time"

static int write_offset(void)
{
    int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    const char *zero = "monotonic 0 0\n";
    ssize_t n = write(fd, zero, strlen(zero));
    int e = errno;
    close(fd);
    return n < 0 ? -e : 0;
}

static int nested_timens(void *arg, char *text, size_t size)
{
    (void)arg;
    if (unshare(CLONE_NEWTIME) < 0) {
        snprintf(text, size, "unshare(CLONE_NEWTIME): %s", err_name(errno));
        return 0;
    }
    int w = write_offset();
    snprintf(text, size, "unshare(CLONE_NEWTIME) ok, offsets for children: %s", w == 0 ? "written" : err_name(-w));
    return 1;
}

int main(void)
{
    int own = write_offset();
    struct child_result r = run_in_child(CHILD_PLAIN, nested_timens, NULL, 5);
    if (own == 0)
        probe_verdict(ID, GROUP, PROBE_ESCAPED, "entered time namespace accepted new offsets; %s", r.text);
    probe_verdict(ID, GROUP, PROBE_CONTAINED, "own timens_offsets: %s; %s", err_name(-own), r.text);
}
