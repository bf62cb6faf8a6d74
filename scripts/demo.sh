#!/bin/sh
# What a void contains, next to what the host has.
#
#   scripts/demo.sh [SHIM]        (default: build/bin/void-shim)
#
# The first thing `make evaluate` runs. Each section runs an ordinary Debian program on
# the host and then the same program in a void, and prints both. It only reads: no file
# is written, nothing is mounted on the host. Works as root and as an ordinary user.
# Exits non-zero as soon as the shim itself fails (exit status 125, 126 or 127).
set -eu

SHIM=${1:-build/bin/void-shim}
case $SHIM in */*) ;; *) SHIM=./$SHIM ;; esac
if [ ! -x "$SHIM" ]; then
    echo "demo: $SHIM is not an executable (build it with: make)" >&2
    exit 1
fi

# Absolute paths of the programs used in voids (a void has no PATH; the shim binds each
# program, its ELF interpreter and its libraries at their own host paths).
need() {
    p=$(command -v "$1" 2>/dev/null) || { echo "demo: $1 not found on the host" >&2; exit 1; }
    printf '%s\n' "$p"
}
CAT=$(need cat); LS=$(need ls); GREP=$(need grep); ENV=$(need env)
READLINK=$(need readlink); UNAME=$(need uname); TEST=$(need test)
IP=$(command -v ip 2>/dev/null || true)

indent() { sed 's/^/        /'; }
# "lr-x------ 1 u g 64 Dec  1 08:00 0 -> /dev/null" -> "0 -> /dev/null"
fdnames() { sed 1d | awk '{for (i = 1; i <= 8; i++) $i = ""; sub(/^ +/, ""); print}'; }
section() { printf '\n== %s\n' "$1"; }
host() { printf '  host:\n'; }

# void ARGS...: runs "$SHIM ARGS..." and leaves the program's stdout in $out and its
# exit status in $st. A failure of the shim itself stops the demo.
void() {
    st=0
    out=$("$SHIM" "$@") || st=$?
    case $st in
        125|126|127)
            echo "demo: the shim failed (exit $st): $SHIM $*" >&2
            exit 1 ;;
    esac
}
# show: prints $out indented under "void:", and a non-zero exit status.
show() {
    printf '  void:\n'
    [ -n "$out" ] && printf '%s\n' "$out" | indent
    [ "$st" = 0 ] || printf '        (exit status %s)\n' "$st"
}

version=$("$SHIM" --version 2>/dev/null | head -n 1) || version=""
echo "void-shim demonstration: ${version:-$SHIM}"
echo "running as $(id -un 2>/dev/null || id -u) (uid $(id -u)) on Linux $(uname -r)"
echo "each section: the host first, then a void started with $SHIM --proc --stdout -- PROGRAM"

section "mount table (/proc/self/mountinfo)"
host
printf '        %s mounts\n' "$(wc -l < /proc/self/mountinfo)"
void --proc --stdout -- "$CAT" /proc/self/mountinfo
printf '  void: %s mounts (mount point, type, options):\n' "$(printf '%s\n' "$out" | grep -c .)"
# fields: id parent dev root MOUNTPOINT OPTIONS [optional...] - TYPE source superopts
printf '%s\n' "$out" | awk '{for (i = 7; $i != "-"; i++) ; printf "%-48s %-6s %s\n", $5, $(i+1), $6}' |
    indent

section "the root directory (ls -A /; in the void ls -Al /)"
host
ls -A / | tr '\n' ' ' | fold -s -w 72 | indent; echo
void --proc --stdout -- "$LS" -Al /
out=$(printf '%s\n' "$out" | fdnames)
show
void --proc --dev --stdout -- "$LS" /dev
printf '  void with --dev, ls /dev:\n'
printf '%s\n' "$out" | tr '\n' ' ' | indent; echo

section "processes (ls /proc)"
host
n=0; for d in /proc/[0-9]*; do if [ -d "$d" ]; then n=$((n + 1)); fi; done
printf '        processes: %s\n' "$n"
void --proc --stdout -- "$LS" /proc
pids=$(printf '%s\n' "$out" | grep '^[0-9][0-9]*$' | tr '\n' ' ' || true)
rest=$(printf '%s\n' "$out" | grep -v '^[0-9][0-9]*$' | tr '\n' ' ' || true)
printf '  void:\n        pids: %s\n        other entries: %s\n' "${pids:-none}" "${rest:-none}"

section "namespaces (readlink /proc/self/ns/*)"
names=$(ls /proc/self/ns)
set --
for n in $names; do set -- "$@" "/proc/self/ns/$n"; done
void --proc --stdout -- "$READLINK" "$@"
printf '  %-18s %-22s %s\n' namespace host void
i=0
for n in $names; do
    i=$((i + 1))
    h=$(readlink "/proc/self/ns/$n")
    v=$(printf '%s\n' "$out" | sed -n "${i}p")
    [ "$h" = "$v" ] && same="  SAME" || same=""
    printf '  %-18s %-22s %s%s\n' "$n" "$h" "${v:--}" "$same"
done

section "user and group ids (/proc/self/uid_map, gid_map, setgroups)"
host
for f in uid_map gid_map setgroups; do
    printf '%-10s %s\n' "$f" "$(tr -s ' ' < /proc/self/$f | sed 's/^ //')"
done | indent
void --proc --stdout -- "$GREP" -H . /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
out=$(printf '%s\n' "$out" | sed 's|^/proc/self/||; s|:| |' | tr -s ' ' | awk '{f=$1; $1=""; printf "%-10s%s\n", f, $0}')
show

section "capabilities and privileges (/proc/self/status)"
pattern='^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):'
host
grep -E "$pattern" /proc/self/status | tr '\t' ' ' | tr -s ' ' | indent
void --proc --stdout -- "$GREP" -E "$pattern" /proc/self/status
out=$(printf '%s\n' "$out" | tr '\t' ' ' | tr -s ' ')
show

section "hostname and kernel (uname -n -r)"
host
uname -n -r | indent
void --stdout -- "$UNAME" -n -r
show
echo "        (the kernel release is the host's: a void shares the kernel)"

section "network interfaces (ip -o link)"
if [ -n "$IP" ]; then
    host
    ip -o link | cut -d' ' -f2,3,9 | indent
    void --stdout -- "$IP" -o link
    out=$(printf '%s\n' "$out" | cut -d' ' -f2,3,9)
    show
    void --loopback --stdout -- "$IP" -o link
    out=$(printf '%s\n' "$out" | cut -d' ' -f2,3,9)
    printf '  void with --loopback:\n'
    printf '%s\n' "$out" | indent
else
    echo "  (skipped: ip, from iproute2, is not installed)"
fi

section "open file descriptors (ls -l /proc/self/fd)"
host
ls -l /proc/self/fd | fdnames | indent
void --proc --stdout -- "$LS" -l /proc/self/fd
out=$(printf '%s\n' "$out" | fdnames)
show
echo "        (in both, 1 is the pipe to this script and the last one the directory ls reads)"

section "environment (env | wc -l)"
host
printf '        variables: %s\n' "$(env | wc -l)"
void --stdout -- "$ENV"
printf '  void:\n        variables: %s\n' "$(printf '%s' "$out" | grep -c . || true)"
void --stdout -e DEMO=declared -- "$ENV"
printf '  void with -e DEMO=declared:\n'
printf '%s\n' "$out" | indent

section "uptime (/proc/uptime; start time of the process in /proc/self/stat)"
tck=$(getconf CLK_TCK)
host
printf '        /proc/uptime: %s\n' "$(cat /proc/uptime)"
printf '        this process started %s s after boot\n' \
    "$(awk -v t="$tck" '{printf "%.2f", $22 / t}' /proc/self/stat)"
void --proc -- "$TEST" -e /proc/uptime
[ "$st" = 0 ] && printf '  void: /proc/uptime is there\n' \
              || printf '  void: /proc/uptime is absent\n'
void --proc --stdout -- "$CAT" /proc/self/stat
printf '  void: this process started %s s after boot (a time namespace of its own)\n' \
    "$(printf '%s\n' "$out" | awk -v t="$tck" '{printf "%.2f", $22 / t}')"

section "what the start of a void costs (--timings, microseconds)"
st=0
out=$("$SHIM" --timings -- "$TEST" -n x 2>&1 >/dev/null) || st=$?
if [ "$st" != 0 ]; then
    printf '%s\n' "$out" >&2
    echo "demo: the shim failed (exit $st): $SHIM --timings -- $TEST -n x" >&2
    exit 1
fi
printf '%s\n' "$out" | tr -d '{}"' | tr ',' '\n' | sed 's/_us:/ /' |
    awk '{printf "%s%-8s %6d", (NR % 5 == 1 ? "        " : "   "), $1, $2; if (NR % 5 == 0) print ""} END {if (NR % 5) print ""}'

echo
echo "demo: done; every void above was started by $SHIM and nothing on the host was changed"
