/* clone3 with CLONE_VM | CLONE_VFORK, as posix_spawn(3) starts its children.
 *
 * A fork-style clone copies the shim's page tables, and then every page the child or
 * the parent writes to costs a copy-on-write fault (about 1.5 us each in this VM) and
 * the child's exit tears the copy down again: ~120 us of a void's start, measured with
 * bench/e2e_interleave. With CLONE_VM the child runs in the shim's own memory until
 * its execve; CLONE_VFORK keeps the shim asleep until then, so nothing runs beside it.
 *
 * glibc has no clone3() wrapper, and syscall(2) cannot be used: a child on a new stack
 * would return from syscall() into nothing. So the few instructions that must run on
 * the child's stack are written here, for each architecture the shim supports: the
 * system call, and in the child a call of fn(arg) and exit(2) with what it returns.
 * (x86_64 only so far: elsewhere clone_vfork fails with ENOSYS and launch.c clones
 * fork-style.) */
#include "clone_vfork.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* The void's setup uses a few pages of this (PATH_MAX buffers, one seccomp program);
 * pages are only backed once touched. One stack serves every spawn: CLONE_VFORK
 * returns only once the child is done with it. */
#define CHILD_STACK_SIZE (256 * 1024)

#if defined(__x86_64__)
static long raw_clone3(struct clone3_args *args, int (*fn)(void *), void *arg)
{
    /* The kernel keeps every register but rax, rcx and r11 in the child: fn and arg
     * are inputs in other registers, so the child still has them after the call. The
     * new stack's top is 16-byte aligned, as `call` expects. */
    long ret = SYS_clone3;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "mov %[arg], %%rdi\n\t"
                     "call *%[fn]\n\t"
                     "mov %%eax, %%edi\n\t"
                     "mov %[exit_nr], %%eax\n\t"
                     "syscall\n\t"
                     "hlt\n"
                     "1:"
                     : "+a"(ret)
                     : "D"(args), "S"(sizeof *args), [fn] "r"(fn), [arg] "r"(arg),
                       [exit_nr] "i"(SYS_exit)
                     : "rcx", "r11", "memory");
    return ret;
}
#else
/* No trampoline for this architecture yet: the caller falls back to a fork-style clone. */
static long raw_clone3(struct clone3_args *args, int (*fn)(void *), void *arg)
{
    (void)args, (void)fn, (void)arg;
    return -ENOSYS;
}
#endif

/* Allocated once per shim, with a guard page below it: an overflow faults instead of
 * writing over the shim's memory. */
static char *child_stack_top(void)
{
    static char *top;
    if (top)
        return top;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    char *base = mmap(NULL, CHILD_STACK_SIZE + page, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (base == MAP_FAILED)
        return NULL;
    if (mprotect(base, page, PROT_NONE) != 0) {
        munmap(base, CHILD_STACK_SIZE + page);
        return NULL;
    }
    return top = base + page + CHILD_STACK_SIZE;
}

pid_t clone_vfork(struct clone3_args *args, int (*fn)(void *), void *arg)
{
    char *top = child_stack_top();
    if (!top)
        return -1;
    args->flags |= CLONE_VM | CLONE_VFORK;
    args->stack = (uint64_t)(uintptr_t)(top - CHILD_STACK_SIZE);
    args->stack_size = CHILD_STACK_SIZE;
    long ret = raw_clone3(args, fn, arg);
    if (ret < 0) {
        errno = (int)-ret;
        return -1;
    }
    return (pid_t)ret;
}
