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
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* The child runs on the caller's own stack, below this call's frame, as a vfork(2)
 * child does: the caller sleeps until the child has exec'd or exited, so nothing there
 * is in use, and those pages were most likely touched before (parsing goes deeper than
 * the void's setup) and cost no page fault again, where a stack of its own would cost
 * two system calls and a zero-filled page for each page the child touches. The gap
 * keeps clear of this frame, the trampoline and the red zone; the size is nominal (the
 * kernel only uses the top; the void's setup needs a few tens of KiB, and the main
 * thread's stack grows as it is touched). */
#define CHILD_STACK_GAP 4096
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

pid_t clone_vfork(struct clone3_args *args, int (*fn)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)__builtin_frame_address(0) - CHILD_STACK_GAP) &
                    ~(uintptr_t)15;
    args->flags |= CLONE_VM | CLONE_VFORK;
    args->stack = (uint64_t)(top - CHILD_STACK_SIZE);
    args->stack_size = CHILD_STACK_SIZE;
    long ret = raw_clone3(args, fn, arg);
    if (ret < 0) {
        errno = (int)-ret;
        return -1;
    }
    return (pid_t)ret;
}
