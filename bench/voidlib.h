/* The steps of voiding a mount namespace, one function each, so that the floor launcher
 * and the mount benchmarks run exactly the same code and the benchmarks can time each
 * step. Every function returns 0 or -1 with errno set; none prints. */
#ifndef BENCH_VOIDLIB_H
#define BENCH_VOIDLIB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Where the old root sits between pivot_root and detach (inside the new root). */
#define VOID_OLD "/.old"

/* Maps uid and gid to themselves in the caller's new user namespace (setgroups denied);
 * without a map, creating files in the new root fails with EOVERFLOW. */
int void_map_ids(uid_t uid, gid_t gid);
/* Stops propagation both ways: without it the detach below would reach the host. */
int void_make_private(void);
/* Mounts the empty tmpfs that becomes the new root on dir. */
int void_tmpfs(const char *dir);
/* Pivots into dir (a mount point), leaving the old root at VOID_OLD. */
int void_pivot(const char *dir);
/* After void_pivot: binds host path src (read through the old root) at dst in the new
 * root, recursively, read-only, nosuid, nodev; creates dst's parents as directories. */
int void_bind(const char *src, const char *dst);
/* Detaches the old root and removes its mount point. */
int void_detach(void);

struct void_bind_spec { const char *src, *dst; };

/* What bench/floor_steps.c adds to the floor, one step at a time. */
struct void_extra {
    int cgroup_fd;                          /* >= 0: CLONE_INTO_CGROUP this directory */
    /* Called in the child (each exits on error): after the id maps, while /proc is
     * still there; and last, right before exec. Either may be NULL. */
    void (*after_ids)(const void *arg);
    void (*before_exec)(const void *arg);
    const void *arg;
};

struct void_spec {
    uint64_t flags;                        /* clone3 namespace flags */
    const char *stage;                     /* where the new root is mounted */
    char *const *argv;                     /* argv[0]: absolute path, bound at itself */
    const struct void_bind_spec *binds;
    size_t nbinds;
    uid_t uid;                             /* the caller's, read before the clone */
    gid_t gid;
    int report_fd;                         /* >= 0: O_CLOEXEC pipe for void_times */
    /* 0: clone3 with CLONE_VM | CLONE_VFORK, as void-shim starts its child (the child
     * runs in the caller's memory until its exec); 1: a fork-like clone3 (the child
     * gets a copy-on-write copy of it). */
    int fork_style;
    const struct void_extra *extra;        /* NULL for the floor itself */
};

/* CLOCK_MONOTONIC stamps the child writes on report_fd right before execve (the time
 * namespace, if any, gets no offsets, so the parent's clock reads the same). EOF on the
 * pipe then marks the exec itself. */
struct void_times { uint64_t child_start, ids_done, mount_done; };

/* The whole floor sequence: a clone3 (see fork_style) whose child maps ids, voids the mount
 * namespace, binds argv[0] and each bind, detaches and execs argv with an empty
 * environment. Returns the child's pid, or -1 if clone3 failed (EINVAL: a cgroup with
 * fork_style); a failing step in the child prints it and exits 1. */
pid_t void_spawn(const struct void_spec *spec);

#endif
