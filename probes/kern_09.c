/* KERN-09: unprivileged BPF. A socket filter that loads is surface (X); a
 * tracing program that loads means kernel-wide observation (E). Nothing is
 * attached; every fd is closed at once. */
#include "probe.h"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ID "KERN-09"
#define GROUP "kernel"

static long bpf_call(int cmd, union bpf_attr *attr)
{
    return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static const char *result(long fd, int err)
{
    if (fd < 0)
        return strerror(err);
    close((int)fd);
    return "ok";
}

static long load_program(enum bpf_prog_type type, int *err)
{
    struct bpf_insn insns[] = {
        { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 }, /* r0 = 0 */
        { .code = BPF_JMP | BPF_EXIT },
    };
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = type;
    attr.insns = (unsigned long)insns;
    attr.insn_cnt = sizeof insns / sizeof insns[0];
    attr.license = (unsigned long)"GPL";
    long fd = bpf_call(BPF_PROG_LOAD, &attr);
    *err = errno;
    return fd;
}

int main(void)
{
    union bpf_attr map;
    memset(&map, 0, sizeof map);
    map.map_type = BPF_MAP_TYPE_ARRAY;
    map.key_size = 4;
    map.value_size = 4;
    map.max_entries = 1;
    long map_fd = bpf_call(BPF_MAP_CREATE, &map);
    int map_err = errno;
    if (map_fd < 0 && map_err == ENOSYS)
        probe_verdict(ID, GROUP, PROBE_SKIP, "bpf: ENOSYS");
    int filter_err, trace_err;
    long filter_fd = load_program(BPF_PROG_TYPE_SOCKET_FILTER, &filter_err);
    long trace_fd = load_program(BPF_PROG_TYPE_KPROBE, &trace_err);
    const char *verdict = trace_fd >= 0 ? PROBE_ESCAPED : filter_fd >= 0 ? PROBE_EXPOSED : PROBE_CONTAINED;
    const char *map_note = result(map_fd, map_err);
    const char *filter_note = result(filter_fd, filter_err);
    const char *trace_note = result(trace_fd, trace_err);
    probe_verdict(ID, GROUP, verdict, "map create: %s; socket filter: %s; kprobe prog: %s", map_note, filter_note,
                  trace_note);
}
