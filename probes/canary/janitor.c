/* Removing every canary. A janitor process, forked before the first canary exists, reads
 * the coordinates of what exists so far from a pipe (the helper publishes the whole struct
 * after each creation step) and blocks on it; the helper holds the only write end. When the
 * helper quits, is interrupted or crashes, the pipe reaches EOF and the janitor removes
 * everything of the last complete copy, then checks that nothing is left. */
#include "canary.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <mqueue.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Removes path and everything below it without following symlinks. */
static void remove_tree(int parent, const char *name)
{
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        DIR *d = fdopendir(fd);
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
                remove_tree(fd, e->d_name);
        if (d)
            closedir(d);
        else
            close(fd);
        unlinkat(parent, name, AT_REMOVEDIR);
        return;
    }
    unlinkat(parent, name, 0);
}

void canaries_remove(const struct canaries *c)
{
    if (c->base[0])
        remove_tree(AT_FDCWD, c->base);
    if (c->shm_id >= 0)
        shmctl(c->shm_id, IPC_RMID, NULL);
    if (c->sem_id >= 0)
        semctl(c->sem_id, 0, IPC_RMID);
    if (c->msg_id >= 0)
        msgctl(c->msg_id, IPC_RMID, NULL);
    if (c->mq[0])
        mq_unlink(c->mq);
    if (c->pshm[0])
        shm_unlink(c->pshm);
    const int32_t keys[2] = { c->session_key, c->user_key };
    for (int i = 0; i < 2; i++)
        if (keys[i] > 0) {
            syscall(SYS_keyctl, KEYCTL_UNLINK, keys[i], KEY_SPEC_USER_KEYRING);
            syscall(SYS_keyctl, KEYCTL_UNLINK, keys[i], KEY_SPEC_SESSION_KEYRING);
            syscall(SYS_keyctl, KEYCTL_REVOKE, keys[i]);
            syscall(SYS_keyctl, KEYCTL_INVALIDATE, keys[i]);
        }
    if (c->sentinel > 0)
        kill(c->sentinel, SIGKILL);   /* our own child, by pid */
}

static size_t note(char *why, size_t size, size_t len, const char *what)
{
    if (len < size)
        len += (size_t)snprintf(why + len, size - len, "%s%s", len ? ", " : "", what);
    return len;
}

/* A zombie does not count: whoever is its parent reaps it. */
static bool process_alive(pid_t pid)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *end = strrchr(text, ')');
    return end && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

/* 0 when every canary is gone; otherwise -1 and why lists the survivors. */
int canaries_verify_gone(const struct canaries *c, char *why, size_t size)
{
    struct stat st;
    size_t len = 0;
    why[0] = '\0';
    if (c->base[0] && lstat(c->base, &st) == 0)
        len = note(why, size, len, c->base);
    if (c->shm_id >= 0 && shmget(c->shm_key, 0, 0) >= 0)
        len = note(why, size, len, "SysV shm");
    if (c->sem_id >= 0 && semget(c->sem_key, 0, 0) >= 0)
        len = note(why, size, len, "SysV sem");
    if (c->msg_id >= 0 && msgget(c->msg_key, 0) >= 0)
        len = note(why, size, len, "SysV msg");
    mqd_t q = c->mq[0] ? mq_open(c->mq, O_RDONLY) : (mqd_t)-1;
    if (q != (mqd_t)-1) {
        mq_close(q);
        len = note(why, size, len, c->mq);
    }
    int fd = c->pshm[0] ? shm_open(c->pshm, O_RDONLY, 0) : -1;
    if (fd >= 0) {
        close(fd);
        len = note(why, size, len, c->pshm);
    }
    const int32_t keys[2] = { c->session_key, c->user_key };
    char buf[64];
    for (int i = 0; i < 2; i++)
        if (keys[i] > 0 && syscall(SYS_keyctl, KEYCTL_READ, keys[i], buf, sizeof buf) >= 0)
            len = note(why, size, len, "key");
    if (c->sentinel > 0 && process_alive(c->sentinel))
        len = note(why, size, len, "sentinel");
    return len ? -1 : 0;
}

/* Reads one whole struct into *out; false on EOF (or a partial struct: the writer died). */
static bool read_copy(int fd, struct canaries *out)
{
    static struct canaries incoming;
    size_t got = 0;
    while (got < sizeof incoming) {
        ssize_t n = read(fd, (char *)&incoming + got, sizeof incoming - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    *out = incoming;
    return true;
}

static void janitor_main(int pipe_fd, const sigset_t *old_mask)
{
    static struct canaries copy;
    signal(SIGINT, SIG_IGN);        /* Ctrl-C reaches the whole process group */
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    sigprocmask(SIG_SETMASK, old_mask, NULL);
    const struct canaries *c = &copy;
    bool any = false;
    while (read_copy(pipe_fd, &copy))
        any = true;
    if (!any)
        _exit(0);                   /* nothing was ever created */
    canaries_remove(c);
    for (int i = 0; i < 50 && c->sentinel > 0 && process_alive(c->sentinel); i++)
        usleep(10000);
    char why[512];
    if (canaries_verify_gone(c, why, sizeof why) < 0) {
        fprintf(stderr, "void-canary: janitor: left behind: %s\n", why);
        _exit(1);
    }
    _exit(0);
}

void janitor_publish(int pipe_fd, const struct canaries *c)
{
    const char *p = (const char *)c;
    size_t done = 0;
    while (pipe_fd >= 0 && done < sizeof *c) {
        ssize_t n = write(pipe_fd, p + done, sizeof *c - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        done += (size_t)n;
    }
}

int janitor_start(pid_t *janitor)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    sigset_t stop, old_mask;        /* blocked until the janitor ignores them: no window */
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGHUP);
    sigprocmask(SIG_BLOCK, &stop, &old_mask);
    pid_t pid = fork();
    if (pid != 0)
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
    if (pid < 0)
        return -1;
    if (pid == 0) {
        close(p[1]);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        for (int fd = 3; fd < 1024; fd++)
            if (fd != p[0])
                close(fd);
        janitor_main(p[0], &old_mask);
    }
    close(p[0]);
    *janitor = pid;
    return p[1];
}

int janitor_finish(int pipe_fd, pid_t janitor)
{
    close(pipe_fd);
    int status;
    pid_t pid;
    while ((pid = waitpid(janitor, &status, 0)) < 0 && errno == EINTR)
        ;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;   /* the sentinel */
    return pid == janitor && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
