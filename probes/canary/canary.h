/* void-canary: the host-side canary helper of the escape-probe suite (probe-catalogue.md §1).
 *
 *   void-canary serve [--base=DIR] [--no-pty]
 *
 * creates every canary, prints their coordinates as one JSON line, then runs the commands
 * the harness sends on stdin (RUN: launch one probe under one target and report what the
 * canaries saw), and removes every canary on QUIT, on EOF, on a signal or when it crashes
 * (a janitor process does the removal as soon as the helper's pipe to it closes). */
#ifndef VOID_CANARY_H
#define VOID_CANARY_H

#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NONCE_LEN 32
#define MAX_EVIDENCE 32
#define MAX_LEAKED 5
#define BASE_MAX 256
#define DIR_MAX 320
#define FILE_MAX 400

enum listener_kind {
    L_TCP4, L_TCP6, L_UDP4, L_UDP6, L_TCP_HOST, L_DNS, L_ABS, L_PATH, L_VSOCK, L_KINDS
};

struct listener {
    int fd;                 /* -1 when this canary could not be created */
    int port;               /* inet and vsock kinds */
    bool datagram;
};

/* Everything the helper created, by value, so the janitor can remove it from its copy. */
struct canaries {
    char nonce[NONCE_LEN + 1];       /* per-run; canary files, banners and keys hold it */
    char file_nonce[NONCE_LEN + 1];
    char env_nonce[NONCE_LEN + 1];
    char base[BASE_MAX];             /* the helper's private directory; holds every file */
    char dir[DIR_MAX];               /* C-DIR: never bound into a void */
    char file[FILE_MAX];             /* C-FILE, in C-DIR */
    char dir_ro[DIR_MAX];            /* C-DIR-RO: bound read-only by the targets */
    char secret[FILE_MAX];           /* C-SECRET: under C-DIR-RO/masked, which targets mask */
    char sock_dir[DIR_MAX];
    char state_dir[DIR_MAX];         /* a directory a target may bind read-write (FS-13) */
    char path_sock[FILE_MAX];        /* C-PATH */
    char abs_name[64];               /* C-ABS, without the leading NUL */
    char grp_neg[FILE_MAX], grp_pos[FILE_MAX];   /* C-GRP, empty when no supplementary group */

    int shm_key, sem_key, msg_key;   /* C-SYSV; ids -1 when absent */
    int shm_id, sem_id, msg_id;
    char mq[64];                     /* C-MQ, empty when absent */
    char pshm[64];                   /* C-PSHM, empty when absent */
    int32_t session_key, user_key;   /* C-KEY serials, 0 when absent */

    struct listener listeners[L_KINDS];
    char host_ip[64];                /* a non-loopback IPv4 address of the host, or "" */

    pid_t sentinel;                  /* C-PROC */
    unsigned long sentinel_addr;
    int sentinel_ctl, sentinel_report;

    int leaked[MAX_LEAKED];          /* C-FD, in the contract's order; -1 when absent */

    int pty_master, pty_reader;      /* C-PTY; -1 when not in use */
    char pty_path[64];

    /* C-HOST */
    char host_ns[8][48];             /* "DEV:INO" of /proc/self/ns/<ns_names[i]> */
    char hostname[128];
    char boot_id[64];
    char host_root[48];
    char host_mntns_id[32];
    char host_shared_peers[256];     /* comma-separated shared: peer groups of the host */
    char file_handle[160];           /* TYPE:HEX handle of C-FILE, for FS-11 */
};

extern const char *const ns_names[8];

/* A small list of strings: what the canaries saw during one launch. */
struct evidence {
    char items[MAX_EVIDENCE][160];
    int n;
};

void evidence_add(struct evidence *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* create.c */
void canaries_init(struct canaries *c);
int canaries_create(struct canaries *c, const char *base_parent, bool use_pty,
                    const char *self_exe, int janitor_fd);
void host_facts_read(struct canaries *c);
/* The probe arguments of the contract (argv strings, owned by c's static storage). */
int canary_args(const struct canaries *c, char **out, int max);

/* listeners.c */
int listeners_create(struct canaries *c);
/* Accepts or receives whatever is pending on the listeners, answers with the banner, and
 * records it. timeout_ms as in poll(2). */
void listeners_serve(struct canaries *c, struct evidence *ev, int timeout_ms);
int listeners_poll_fds(const struct canaries *c, int *fds, int max);

/* sentinel.c */
int sentinel_start(struct canaries *c, const char *self_exe);
/* Waits until the sentinel has reported every signal sent before this call. */
void sentinel_sync(struct canaries *c, struct evidence *ev);
int sentinel_main(int argc, char **argv);

/* janitor.c */
/* Forks the janitor; returns the write end of its pipe. Every janitor_publish() hands it the
 * coordinates of what exists now; closing the pipe starts the removal. */
int janitor_start(pid_t *janitor);
void janitor_publish(int pipe_fd, const struct canaries *c);
int janitor_finish(int pipe_fd, pid_t janitor);    /* 0 when every canary is gone */
void canaries_remove(const struct canaries *c);
int canaries_verify_gone(const struct canaries *c, char *why, size_t size);

/* launch.c */
struct launch_result {
    int status;            /* wait status */
    bool timed_out;
    long ms;
    char *out, *err;       /* malloc'd, NUL-terminated */
    struct evidence ev;
};
void launch(struct canaries *c, char **argv, int timeout_ms, struct launch_result *r);
/* Baseline of what the harness can observe on the host: called before each launch. */
void observation_reset(const struct canaries *c);
void observation_check(struct canaries *c, struct evidence *ev);

/* json.c */
void json_string(FILE *f, const char *s);

#endif
