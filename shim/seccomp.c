/* A seccomp filter that takes kernel attack surface out of the void: interfaces an
 * unprivileged process may use but a void never needs, which probes KERN-08, KERN-09,
 * KERN-10 and IPC-06 find open otherwise (perf events, BPF, userfaultfd, io_uring, the
 * keyring calls; module, kexec and file-handle calls besides). They fail with EPERM, as
 * each of them already can on a host that restricts it (perf_event_paranoid,
 * io_uring_disabled, unprivileged_bpf_disabled...), so programs have a path for it.
 * Calls of another ABI (x32, i386) fail the same way: the list is of native numbers.
 * --no-seccomp leaves the filter out. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
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

static const int denied_syscalls[] = {
    SYS_perf_event_open, SYS_bpf, SYS_userfaultfd,
    SYS_io_uring_setup, SYS_io_uring_enter, SYS_io_uring_register,
    SYS_add_key, SYS_request_key, SYS_keyctl,
    SYS_init_module, SYS_finit_module, SYS_delete_module,
    SYS_kexec_load, SYS_kexec_file_load,
    SYS_open_by_handle_at, SYS_fanotify_init,
};

#define N_DENIED (sizeof denied_syscalls / sizeof denied_syscalls[0])
#define DENY BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)
#define ALLOW BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)

int void_seccomp(struct shim_error *err)
{
    /* arch check, load nr, [x32 check], one test per denied call, allow, deny */
    struct sock_filter code[N_DENIED + 8];
    size_t n = 0;
    code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, arch));
    code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0);
    code[n++] = (struct sock_filter)DENY;
    code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, nr));
    size_t tests = N_DENIED;
#ifdef X32_SYSCALL_BIT
    tests++;
    code[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT,
                                           (unsigned char)(tests), 0);
    n++;
#endif
    for (size_t i = 0; i < N_DENIED; i++, n++) {
        size_t left = tests - (n - 4) - 1;    /* tests after this one, then ALLOW */
        code[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                               (unsigned)denied_syscalls[i],
                                               (unsigned char)(left + 1), 0);
    }
    code[n++] = (struct sock_filter)ALLOW;
    code[n++] = (struct sock_filter)DENY;
    struct sock_fprog prog = {.len = (unsigned short)n, .filter = code};
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
        return error_set(err, EXIT_SHIM_ERROR, errno, "last: install the seccomp filter");
    return 0;
}
