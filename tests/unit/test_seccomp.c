/* Unit tests of the seccomp filter's program (shim/seccomp.c): it is run here, through a
 * small interpreter of classic BPF, for every syscall number, both ABIs and the flags
 * that matter, and each verdict is compared with the list below, written out again on
 * purpose: the filter is a binary search over its table, and a wrong branch would
 * silently allow a call. Installing it in a child must also succeed (the kernel's
 * verifier accepts it). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "void.h"

#if !defined(__x86_64__)
#error "test_seccomp.c: the expected numbers below are x86_64's"
#endif

/* Runs prog on data; returns the SECCOMP_RET_* value, or 0xdead on a bad program. */
static uint32_t run_bpf(const struct sock_fprog *prog, const struct seccomp_data *data)
{
    uint32_t a = 0;
    for (size_t pc = 0; pc < prog->len; pc++) {
        const struct sock_filter *f = &prog->filter[pc];
        switch (f->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            if (f->k + 4 > sizeof *data)
                return 0xdead;
            memcpy(&a, (const char *)data + f->k, 4);
            break;
        case BPF_RET | BPF_K:
            return f->k;
        case BPF_JMP | BPF_JA:
            pc += f->k;
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
            pc += a == f->k ? f->jt : f->jf;
            break;
        case BPF_JMP | BPF_JGE | BPF_K:
            pc += a >= f->k ? f->jt : f->jf;
            break;
        case BPF_JMP | BPF_JSET | BPF_K:
            pc += (a & f->k) ? f->jt : f->jf;
            break;
        default:
            return 0xdead;
        }
    }
    return 0xdead;   /* fell off the end */
}

static uint32_t verdict(int nr, uint32_t arch, uint64_t arg0)
{
    struct seccomp_data d = {.nr = nr, .arch = arch, .args = {arg0}};
    return run_bpf(void_seccomp_program(), &d);
}

#define ALLOWED SECCOMP_RET_ALLOW
#define EPERM_ (SECCOMP_RET_ERRNO | EPERM)
#define ENOSYS_ (SECCOMP_RET_ERRNO | ENOSYS)

static const int denied[] = {
    298 /* perf_event_open */, 321 /* bpf */, 323 /* userfaultfd */,
    425, 426, 427 /* io_uring_* */, 248, 249, 250 /* add_key request_key keyctl */,
    175, 313, 176 /* init_module finit_module delete_module */,
    246, 320 /* kexec_load kexec_file_load */, 304 /* open_by_handle_at */,
    300 /* fanotify_init */,
};

static uint32_t expected(int nr, uint64_t arg0)
{
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        if (nr == denied[i])
            return EPERM_;
    if (nr == 56 /* clone */ || nr == 272 /* unshare */)
        return (arg0 & CLONE_NEWUSER) ? EPERM_ : ALLOWED;
    if (nr == 435 /* clone3 */)
        return ENOSYS_;
    return ALLOWED;
}

static void test_every_native_number(void **state)
{
    (void)state;
    const uint64_t flags[] = {0, CLONE_NEWNS | CLONE_NEWPID, CLONE_NEWUSER,
                              CLONE_NEWUSER | CLONE_NEWNET, SIGCHLD};
    for (int nr = 0; nr < 1024; nr++)
        for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
            uint32_t got = verdict(nr, AUDIT_ARCH_X86_64, flags[f]);
            if (got != expected(nr, flags[f]))
                fail_msg("syscall %d with arg0 %#llx: got %#x, expected %#x", nr,
                         (unsigned long long)flags[f], got, expected(nr, flags[f]));
        }
}

static void test_flags_above_32_bits_do_not_matter(void **state)
{
    (void)state;
    assert_int_equal(verdict(56, AUDIT_ARCH_X86_64, 0x100000000ULL), ALLOWED);
    assert_int_equal(verdict(56, AUDIT_ARCH_X86_64, 0x100000000ULL | CLONE_NEWUSER), EPERM_);
}

static void test_other_abis_are_refused(void **state)
{
    (void)state;
    for (int nr = 0; nr < 512; nr++) {
        assert_int_equal(verdict(nr, AUDIT_ARCH_I386, 0), EPERM_);
        assert_int_equal(verdict(nr | 0x40000000, AUDIT_ARCH_X86_64, 0), EPERM_);
    }
}

/* The kernel accepts the program, and the installed filter behaves as interpreted. */
static void test_kernel_accepts_it(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct shim_error err = {0};
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            void_seccomp(void_seccomp_program(), &err) != 0)
            _exit(10);
        if (syscall(SYS_keyctl, 0, 0, 0, 0, 0) != -1 || errno != EPERM)
            _exit(11);
        if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
            _exit(12);
        if (unshare(CLONE_NEWUSER) != -1 || errno != EPERM)
            _exit(13);
        _exit(getpid() > 0 ? 0 : 14);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_native_number),
        cmocka_unit_test(test_flags_above_32_bits_do_not_matter),
        cmocka_unit_test(test_other_abis_are_refused),
        cmocka_unit_test(test_kernel_accepts_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
