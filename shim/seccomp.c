/* A seccomp filter that takes kernel attack surface out of the void: interfaces an
 * unprivileged process may use but a void never needs, which probes KERN-08, KERN-09,
 * KERN-10 and IPC-06 find open otherwise (perf events, BPF, userfaultfd, io_uring, the
 * keyring calls; module, kexec and file-handle calls besides). They fail with EPERM, as
 * each of them already can on a host that restricts it (perf_event_paranoid,
 * io_uring_disabled, unprivileged_bpf_disabled...), so programs have a path for it.
 * Calls of another ABI (x32, i386) fail the same way: the list is of native numbers.
 *
 * It also refuses new user namespaces, which would hand a process in the void a full
 * set of capabilities over new namespaces of its own: clone and unshare with
 * CLONE_NEWUSER fail with EPERM; clone3, whose flags sit in memory a filter cannot
 * read, fails with ENOSYS, which makes glibc (and others) fall back to clone, as under
 * Docker's default profile. (Without the filter, --no-seccomp, the child writes
 * user.max_user_namespaces = 0 instead: the same effect, one /proc/sys write dearer.)
 *
 * The calls are tested as a binary search over their numbers, not one after another:
 * when the filter is installed the kernel runs it once for every syscall number to
 * find those it always allows (seccomp's action cache), and that walk is most of what
 * installing a filter costs. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "void.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define X32_SYSCALL_BIT 0x40000000
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "seccomp.c: add this architecture's AUDIT_ARCH_* value"
#endif

/* What happens to a listed call; every other native call is allowed. */
enum verdict { DENY_EPERM, DENY_ENOSYS, DENY_NEWUSER, ALLOW, N_VERDICTS };

struct rule {
    int nr;
    enum verdict verdict;
};

static const struct rule rules[] = {
    {SYS_perf_event_open, DENY_EPERM}, {SYS_bpf, DENY_EPERM},
    {SYS_userfaultfd, DENY_EPERM},
    {SYS_io_uring_setup, DENY_EPERM}, {SYS_io_uring_enter, DENY_EPERM},
    {SYS_io_uring_register, DENY_EPERM},
    {SYS_add_key, DENY_EPERM}, {SYS_request_key, DENY_EPERM}, {SYS_keyctl, DENY_EPERM},
    {SYS_init_module, DENY_EPERM}, {SYS_finit_module, DENY_EPERM},
    {SYS_delete_module, DENY_EPERM},
    {SYS_kexec_load, DENY_EPERM}, {SYS_kexec_file_load, DENY_EPERM},
    {SYS_open_by_handle_at, DENY_EPERM}, {SYS_fanotify_init, DENY_EPERM},
    {SYS_clone, DENY_NEWUSER}, {SYS_unshare, DENY_NEWUSER}, {SYS_clone3, DENY_ENOSYS},
};

#define N_RULES (sizeof rules / sizeof rules[0])
/* header 4-5, a branch per inner node and a test per rule (< 2 * N_RULES), tail 6 */
#define MAX_INSNS (2 * N_RULES + 16)

/* The lower 32 bits of the first argument (the flags of clone and unshare). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

/* A program under construction: jumps to a verdict are patched once the tail that
 * holds the verdicts has been placed at the end (BPF jumps only forward). */
struct program {
    struct sock_filter code[MAX_INSNS];
    size_t len;
    size_t fixup_at[MAX_INSNS];      /* jumps (true branch, or JA) to a verdict */
    enum verdict fixup_to[MAX_INSNS];
    size_t n_fixups;
};

static void emit(struct program *p, struct sock_filter insn)
{
    p->code[p->len++] = insn;
}

/* if (A == k) goto verdict; else fall through */
static void emit_test(struct program *p, unsigned k, enum verdict v)
{
    p->fixup_at[p->n_fixups] = p->len;
    p->fixup_to[p->n_fixups++] = v;
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, k, 0, 0));
}

/* Rules sorted[lo, hi): a few tests in a row, else "A >= middle ?" and both halves. */
static void emit_search(struct program *p, const struct rule *sorted, size_t lo, size_t hi)
{
    if (hi - lo <= 3) {
        for (size_t i = lo; i < hi; i++)
            emit_test(p, (unsigned)sorted[i].nr, sorted[i].verdict);
        p->fixup_at[p->n_fixups] = p->len;
        p->fixup_to[p->n_fixups++] = ALLOW;
        emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, 0, 0, 0));
        return;
    }
    size_t mid = lo + (hi - lo) / 2;
    size_t branch = p->len;
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (unsigned)sorted[mid].nr,
                                         0, 0));
    emit_search(p, sorted, lo, mid);
    p->code[branch].jt = (unsigned char)(p->len - branch - 1);
    emit_search(p, sorted, mid, hi);
}

static int by_number(const void *a, const void *b)
{
    const struct rule *x = a, *y = b;
    return (x->nr > y->nr) - (x->nr < y->nr);
}

static void build(struct program *p)
{
    struct rule sorted[N_RULES];
    for (size_t i = 0; i < N_RULES; i++)
        sorted[i] = rules[i];
    qsort(sorted, N_RULES, sizeof sorted[0], by_number);

    emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                         offsetof(struct seccomp_data, arch)));
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0));
    emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
    emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                         offsetof(struct seccomp_data, nr)));
#ifdef X32_SYSCALL_BIT
    p->fixup_at[p->n_fixups] = p->len;
    p->fixup_to[p->n_fixups++] = DENY_EPERM;
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 0));
#endif
    emit_search(p, sorted, 0, N_RULES);

    /* The tail: one place per verdict. */
    size_t at[N_VERDICTS];
    at[DENY_NEWUSER] = p->len;
    emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW));
    emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 1, 0));
    at[ALLOW] = p->len;
    emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    at[DENY_EPERM] = p->len;
    emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
    at[DENY_ENOSYS] = p->len;
    emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS));

    for (size_t i = 0; i < p->n_fixups; i++) {
        struct sock_filter *insn = &p->code[p->fixup_at[i]];
        size_t offset = at[p->fixup_to[i]] - p->fixup_at[i] - 1;
        if (BPF_OP(insn->code) == BPF_JA)
            insn->k = (unsigned)offset;
        else
            insn->jt = (unsigned char)offset;   /* < MAX_INSNS, far below 256 */
    }
}

const struct sock_fprog *void_seccomp_program(void)
{
    static struct program p;
    static struct sock_fprog prog;
    if (prog.len == 0) {
        build(&p);
        prog = (struct sock_fprog){.len = (unsigned short)p.len, .filter = p.code};
    }
    return &prog;
}

int void_seccomp(const struct sock_fprog *prog, struct shim_error *err)
{
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "last: install the seccomp filter");
    return 0;
}
