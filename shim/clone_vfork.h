/* Starting a child that shares the caller's memory until it execs (see clone_vfork.c). */
#ifndef VOID_CLONE_VFORK_H
#define VOID_CLONE_VFORK_H

#include <linux/sched.h>
#include <sys/types.h>

/* clone3(args) with CLONE_VM | CLONE_VFORK added and a stack of its own: the child
 * runs fn(arg) and exits with its return value unless it execs first; the caller
 * sleeps until the child has exec'd or exited. Returns the child's pid, or -1 with
 * errno (ENOSYS: not supported on this architecture). */
pid_t clone_vfork(struct clone_args *args, int (*fn)(void *), void *arg);

#endif
