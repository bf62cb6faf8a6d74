/* Starting a child that shares the caller's memory until it execs (see clone_vfork.c).
 * Also built into bench/floor, so that the floor starts its child the same way. */
#ifndef VOID_CLONE_VFORK_H
#define VOID_CLONE_VFORK_H

#include <stdint.h>
#include <sys/types.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The kernel's struct clone_args (its layout is ABI), declared here so that C libraries
 * without the kernel's headers (musl) can build this too. */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
             set_tid, set_tid_size, cgroup;
};

/* clone3(args) with CLONE_VM | CLONE_VFORK added: the child runs fn(arg) on the
 * caller's stack, below the caller's frame, and exits with its return value unless it
 * execs first; the caller sleeps until the child has exec'd or exited. Call it from
 * the main thread (whose stack grows as needed). Returns the child's pid, or -1 with
 * errno (ENOSYS: not supported on this architecture). */
pid_t clone_vfork(struct clone3_args *args, int (*fn)(void *), void *arg);

#endif
