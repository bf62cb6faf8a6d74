/* Creating the canaries of catalogue §1 and reading the host facts (C-HOST). */
#include "canary.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/random.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define NS_GET_MNTNS_ID_IOCTL _IOR(0xb7, 0x5, uint64_t)

const char *const ns_names[8] = { "user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time" };

static void random_hex(char *out, size_t n)
{
    unsigned char raw[NONCE_LEN / 2];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        for (size_t i = 0; i < sizeof raw; i++)
            raw[i] = (unsigned char)(rand() ^ getpid() ^ time(NULL));
    for (size_t i = 0; i < n / 2 && i < sizeof raw; i++)
        sprintf(out + 2 * i, "%02x", raw[i]);
    out[n] = '\0';
}

static int write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    int ok = write(fd, text, len) == (ssize_t)len;
    close(fd);
    if (fchmodat(AT_FDCWD, path, mode, 0) < 0)
        return -1;
    return ok ? 0 : -1;
}

/* Inside c->base, which exists already. */
static int make_dirs(struct canaries *c)
{
    chmod(c->base, 0711);
    snprintf(c->dir, sizeof c->dir, "%s/outside", c->base);
    snprintf(c->file, sizeof c->file, "%s/canary.txt", c->dir);
    snprintf(c->dir_ro, sizeof c->dir_ro, "%s/ro", c->base);
    snprintf(c->secret, sizeof c->secret, "%s/masked/secret.txt", c->dir_ro);
    snprintf(c->sock_dir, sizeof c->sock_dir, "%s/sock", c->base);
    snprintf(c->state_dir, sizeof c->state_dir, "%s/state", c->base);
    snprintf(c->path_sock, sizeof c->path_sock, "%s/canary.sock", c->sock_dir);
    char masked[PATH_MAX + 16];
    snprintf(masked, sizeof masked, "%s/masked", c->dir_ro);
    if (mkdir(c->dir, 0755) < 0 || mkdir(c->dir_ro, 0755) < 0 || mkdir(masked, 0755) < 0 ||
        mkdir(c->sock_dir, 0755) < 0 || mkdir(c->state_dir, 0755) < 0)
        return -1;
    char text[128];
    snprintf(text, sizeof text, "void-canary file %s\n", c->file_nonce);
    if (write_file(c->file, text, 0644) < 0)
        return -1;
    snprintf(text, sizeof text, "void-canary secret %s\n", c->nonce);
    char readme[PATH_MAX + 16];
    snprintf(readme, sizeof readme, "%s/readme.txt", c->dir_ro);
    return write_file(c->secret, text, 0644) < 0 || write_file(readme, text, 0644) < 0 ? -1 : 0;
}

/* C-GRP: one file the user may not read through its group (0604), one it may (0640). */
static void make_group_files(struct canaries *c)
{
    gid_t groups[64];
    int n = getgroups(64, groups);
    gid_t g = (gid_t)-1;
    for (int i = 0; i < n; i++)
        if (groups[i] != getegid())
            g = groups[i];
    if (g == (gid_t)-1)
        return;
    snprintf(c->grp_neg, sizeof c->grp_neg, "%s/grp-neg.txt", c->dir);
    snprintf(c->grp_pos, sizeof c->grp_pos, "%s/grp-pos.txt", c->dir);
    char text[96];
    snprintf(text, sizeof text, "void-canary group %s\n", c->nonce);
    if (write_file(c->grp_neg, text, 0600) < 0 || chown(c->grp_neg, (uid_t)-1, g) < 0 ||
        chmod(c->grp_neg, 0604) < 0 || write_file(c->grp_pos, text, 0600) < 0 ||
        chown(c->grp_pos, (uid_t)-1, g) < 0 || chmod(c->grp_pos, 0640) < 0)
        c->grp_neg[0] = c->grp_pos[0] = '\0';
}

static int fresh_key(void)
{
    unsigned int r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r)
        r = (unsigned int)getpid();
    return (int)(0x56430000u | (r & 0xffffu));   /* "VC" + random */
}

static void make_sysv(struct canaries *c)
{
    c->shm_id = c->sem_id = c->msg_id = -1;
    for (int tries = 0; tries < 16 && c->shm_id < 0; tries++)
        c->shm_id = shmget(c->shm_key = fresh_key(), 4096, IPC_CREAT | IPC_EXCL | 0600);
    if (c->shm_id >= 0) {
        char *p = shmat(c->shm_id, NULL, 0);
        if (p != (void *)-1) {
            snprintf(p, 4096, "void-canary shm %s", c->nonce);
            shmdt(p);
        }
    }
    for (int tries = 0; tries < 16 && c->sem_id < 0; tries++)
        c->sem_id = semget(c->sem_key = fresh_key(), 1, IPC_CREAT | IPC_EXCL | 0600);
    for (int tries = 0; tries < 16 && c->msg_id < 0; tries++)
        c->msg_id = msgget(c->msg_key = fresh_key(), IPC_CREAT | IPC_EXCL | 0600);
    if (c->msg_id >= 0) {
        struct { long type; char text[64]; } m = { .type = 1 };
        snprintf(m.text, sizeof m.text, "%s", c->nonce);
        msgsnd(c->msg_id, &m, strlen(m.text) + 1, IPC_NOWAIT);
    }
}

static void make_posix_ipc(struct canaries *c)
{
    snprintf(c->mq, sizeof c->mq, "/void-canary-%d", (int)getpid());
    struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 64 };
    mqd_t q = mq_open(c->mq, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &attr);
    if (q == (mqd_t)-1) {
        c->mq[0] = '\0';
    } else {
        mq_send(q, c->nonce, strlen(c->nonce), 0);
        mq_close(q);
    }
    snprintf(c->pshm, sizeof c->pshm, "/void-canary-%d", (int)getpid());
    int fd = shm_open(c->pshm, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        c->pshm[0] = '\0';
        return;
    }
    if (write(fd, c->nonce, strlen(c->nonce)) < 0)
        c->pshm[0] = '\0';
    close(fd);
}

static int32_t add_user_key(const char *payload, int32_t keyring)
{
    long serial = syscall(SYS_add_key, "user", "void-canary", payload, strlen(payload), keyring);
    return serial < 0 ? 0 : (int32_t)serial;
}

/* The session key goes into a fresh anonymous session keyring of the helper, which every
 * launched target inherits, so the host's own session keyring is never touched. */
static void make_keys(struct canaries *c)
{
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
        return;
    c->session_key = add_user_key(c->nonce, KEY_SPEC_SESSION_KEYRING);
    c->user_key = add_user_key(c->nonce, KEY_SPEC_USER_KEYRING);
}

/* C-FD: opened without O_CLOEXEC on purpose, so that every launched target inherits them. */
static void make_leaked_fds(struct canaries *c)
{
    c->leaked[0] = open(c->dir, O_RDONLY | O_DIRECTORY);
    c->leaked[1] = open(c->file, O_PATH);
    c->leaked[2] = open("/proc/self/ns/net", O_RDONLY);
    c->leaked[3] = (int)syscall(SYS_pidfd_open, c->sentinel, 0);
    if (c->leaked[3] >= 0)
        fcntl(c->leaked[3], F_SETFD, 0);    /* pidfds are always created close-on-exec */
    c->leaked[4] = -1;
    const struct listener *l = &c->listeners[L_TCP4];
    if (l->fd < 0)
        return;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)l->port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0)
        c->leaked[4] = s;
    else if (s >= 0)
        close(s);
}

static int make_pty(struct canaries *c)
{
    c->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (c->pty_master < 0 || grantpt(c->pty_master) < 0 || unlockpt(c->pty_master) < 0 ||
        ptsname_r(c->pty_master, c->pty_path, sizeof c->pty_path) != 0)
        return -1;
    fcntl(c->pty_master, F_SETFL, O_NONBLOCK);
    c->pty_reader = open(c->pty_path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (c->pty_reader < 0)
        return -1;
    struct termios t;
    if (tcgetattr(c->pty_reader, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(c->pty_reader, TCSANOW, &t);
    }
    return 0;
}

static void read_line(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    if (fgets(out, (int)size, f))
        out[strcspn(out, "\n")] = '\0';
    fclose(f);
}

/* The shared: peer groups of the host's mounts, for FS-09. */
static void read_shared_peers(char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return;
    char line[4096];
    size_t len = 0;
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, " shared:");
        if (p && len + 16 < size)
            len += (size_t)snprintf(out + len, size - len, "%s%d", len ? "," : "", atoi(p + 8));
    }
    fclose(f);
}

static void read_file_handle(struct canaries *c)
{
    union { struct file_handle fh; unsigned char raw[sizeof(struct file_handle) + MAX_HANDLE_SZ]; } h;
    h.fh.handle_bytes = MAX_HANDLE_SZ;
    int mount_id;
    c->file_handle[0] = '\0';
    if (name_to_handle_at(AT_FDCWD, c->file, &h.fh, &mount_id, 0) < 0)
        return;
    const unsigned char *bytes = h.raw + sizeof(struct file_handle);
    size_t len = (size_t)snprintf(c->file_handle, sizeof c->file_handle, "%d:", h.fh.handle_type);
    for (unsigned i = 0; i < h.fh.handle_bytes && len + 3 < sizeof c->file_handle; i++)
        len += (size_t)sprintf(c->file_handle + len, "%02x", bytes[i]);
}

void host_facts_read(struct canaries *c)
{
    struct stat st;
    for (int i = 0; i < 8; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns_names[i]);
        c->host_ns[i][0] = '\0';
        if (stat(path, &st) == 0)
            snprintf(c->host_ns[i], sizeof c->host_ns[i], "%llu:%llu",
                     (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    }
    struct utsname u;
    snprintf(c->hostname, sizeof c->hostname, "%s", uname(&u) == 0 ? u.nodename : "");
    read_line("/proc/sys/kernel/random/boot_id", c->boot_id, sizeof c->boot_id);
    if (stat("/", &st) == 0)
        snprintf(c->host_root, sizeof c->host_root, "%llu:%llu", (unsigned long long)st.st_dev,
                 (unsigned long long)st.st_ino);
    uint64_t id = 0;
    int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && ioctl(fd, NS_GET_MNTNS_ID_IOCTL, &id) == 0)
        snprintf(c->host_mntns_id, sizeof c->host_mntns_id, "%llu", (unsigned long long)id);
    if (fd >= 0)
        close(fd);
    read_shared_peers(c->host_shared_peers, sizeof c->host_shared_peers);
}

void canaries_init(struct canaries *c)
{
    memset(c, 0, sizeof *c);
    c->shm_id = c->sem_id = c->msg_id = -1;
    c->sentinel_ctl = c->sentinel_report = c->pty_master = c->pty_reader = -1;
    for (int i = 0; i < MAX_LEAKED; i++)
        c->leaked[i] = -1;
    for (int k = 0; k < L_KINDS; k++)
        c->listeners[k].fd = -1;
}

/* Creates the canaries one kind at a time, publishing each step to the janitor. */
int canaries_create(struct canaries *c, const char *base_parent, bool use_pty, const char *self_exe,
                    int janitor_fd)
{
    random_hex(c->nonce, NONCE_LEN);
    random_hex(c->file_nonce, NONCE_LEN);
    random_hex(c->env_nonce, NONCE_LEN);
    snprintf(c->abs_name, sizeof c->abs_name, "void-canary-%d-%.8s", (int)getpid(), c->nonce);
    snprintf(c->base, sizeof c->base, "%s/void-canary-XXXXXX", base_parent);
    if (!mkdtemp(c->base)) {
        c->base[0] = '\0';
        return -1;
    }
    janitor_publish(janitor_fd, c);
    int dirs = make_dirs(c);
    make_group_files(c);
    make_sysv(c);
    janitor_publish(janitor_fd, c);
    make_posix_ipc(c);
    janitor_publish(janitor_fd, c);
    make_keys(c);
    janitor_publish(janitor_fd, c);
    if (dirs < 0 || listeners_create(c) < 0 || sentinel_start(c, self_exe) < 0) {
        janitor_publish(janitor_fd, c);
        return -1;
    }
    janitor_publish(janitor_fd, c);
    make_leaked_fds(c);
    if (use_pty && make_pty(c) < 0)
        return -1;
    host_facts_read(c);
    read_file_handle(c);
    janitor_publish(janitor_fd, c);
    return 0;
}

/* ---- the probe arguments ---- */

static char arg_store[64][PATH_MAX + 32];

static int add_arg(char **out, int n, int max, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int add_arg(char **out, int n, int max, const char *fmt, ...)
{
    if (n >= max || n >= 64)
        return n;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(arg_store[n], sizeof arg_store[n], fmt, ap);
    va_end(ap);
    out[n] = arg_store[n];
    return n + 1;
}

static int listener_args(const struct canaries *c, char **out, int n, int max)
{
    static const struct { enum listener_kind kind; const char *name; } ports[] = {
        { L_TCP4, "tcp4-port" }, { L_TCP6, "tcp6-port" }, { L_UDP4, "udp4-port" },
        { L_UDP6, "udp6-port" }, { L_TCP_HOST, "tcp-host-port" }, { L_DNS, "dns-port" },
        { L_VSOCK, "vsock-port" },
    };
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++)
        if (c->listeners[ports[i].kind].fd >= 0)
            n = add_arg(out, n, max, "--%s=%d", ports[i].name, c->listeners[ports[i].kind].port);
    if (c->listeners[L_TCP_HOST].fd >= 0)
        n = add_arg(out, n, max, "--tcp-host-ip=%s", c->host_ip);
    if (c->listeners[L_ABS].fd >= 0)
        n = add_arg(out, n, max, "--abs=%s", c->abs_name);
    if (c->listeners[L_PATH].fd >= 0)
        n = add_arg(out, n, max, "--path-sock=%s", c->path_sock);
    return n;
}

static int ipc_args(const struct canaries *c, char **out, int n, int max)
{
    if (c->shm_id >= 0)
        n = add_arg(out, n, max, "--sysv-shm-key=%d", c->shm_key);
    if (c->sem_id >= 0)
        n = add_arg(out, n, max, "--sysv-sem-key=%d", c->sem_key);
    if (c->msg_id >= 0)
        n = add_arg(out, n, max, "--sysv-msg-key=%d", c->msg_key);
    if (c->mq[0])
        n = add_arg(out, n, max, "--mq=%s", c->mq);
    if (c->pshm[0])
        n = add_arg(out, n, max, "--pshm=%s", c->pshm);
    if (c->session_key)
        n = add_arg(out, n, max, "--key=%d", c->session_key);
    if (c->user_key)
        n = add_arg(out, n, max, "--user-key=%d", c->user_key);
    if (c->session_key || c->user_key)
        n = add_arg(out, n, max, "--key-nonce=%s", c->nonce);
    return n;
}

static int fd_args(const struct canaries *c, char **out, int n, int max)
{
    char list[64] = "";
    size_t len = 0;
    for (int i = 0; i < MAX_LEAKED; i++)
        if (c->leaked[i] >= 0)
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%d", len ? "," : "",
                                    c->leaked[i]);
    if (len)
        n = add_arg(out, n, max, "--leaked-fds=%s", list);
    if (c->sentinel > 0) {
        n = add_arg(out, n, max, "--sentinel-pid=%d", (int)c->sentinel);
        n = add_arg(out, n, max, "--sentinel-nonce-addr=%lx", c->sentinel_addr);
    }
    if (c->pty_reader >= 0)
        n = add_arg(out, n, max, "--pty=%s", c->pty_path);
    return n;
}

static int host_args(const struct canaries *c, char **out, int n, int max)
{
    for (int i = 0; i < 8; i++)
        if (c->host_ns[i][0])
            n = add_arg(out, n, max, "--host-ns-%s=%s", ns_names[i], c->host_ns[i]);
    n = add_arg(out, n, max, "--host-hostname=%s", c->hostname);
    n = add_arg(out, n, max, "--host-boot-id=%s", c->boot_id);
    n = add_arg(out, n, max, "--host-root=%s", c->host_root);
    if (c->host_mntns_id[0])
        n = add_arg(out, n, max, "--host-mntns-id=%s", c->host_mntns_id);
    n = add_arg(out, n, max, "--host-shared-peers=%s", c->host_shared_peers);
    if (c->file_handle[0])
        n = add_arg(out, n, max, "--file-handle=%s", c->file_handle);
    return n;
}

static int file_args(const struct canaries *c, char **out, int n, int max)
{
    n = add_arg(out, n, max, "--file=%s", c->file);
    n = add_arg(out, n, max, "--file-nonce=%s", c->file_nonce);
    n = add_arg(out, n, max, "--dir=%s", c->dir);
    n = add_arg(out, n, max, "--dir-ro=%s", c->dir_ro);
    n = add_arg(out, n, max, "--secret=%s", c->secret);
    n = add_arg(out, n, max, "--state-dir=%s", c->state_dir);
    n = add_arg(out, n, max, "--env-nonce=%s", c->env_nonce);
    n = add_arg(out, n, max, "--nonce=%s", c->nonce);
    if (c->grp_neg[0]) {
        n = add_arg(out, n, max, "--grp-file-neg=%s", c->grp_neg);
        n = add_arg(out, n, max, "--grp-file-pos=%s", c->grp_pos);
    }
    return n;
}

/* Every argument of the contract except --host-boottime, which launch() adds fresh. */
int canary_args(const struct canaries *c, char **out, int max)
{
    int n = host_args(c, out, 0, max);
    n = file_args(c, out, n, max);
    n = ipc_args(c, out, n, max);
    n = listener_args(c, out, n, max);
    return fd_args(c, out, n, max);
}
