#!/bin/sh
# Compiles and runs every snippet the paper prints (paper/snippets/*.c, *.sh), so that
# what the paper shows stays true. C11, -Wall -Wextra -Werror. Each snippet creates the
# namespaces it shows inside a new user namespace of its own; as root each also runs
# inside `unshare -m --propagation private` and once more as uid 65534 from a
# world-readable temporary directory. Nothing touches the host's mounts.
#
#   paper/snippets/run.sh [CC]
set -u
cc=${1:-${CC:-gcc}}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/void-snippets.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
chmod 755 "$tmp"
pass=0 fail=0 n=0
mounts_before=$(cat /proc/self/mountinfo)

report() {  # report OK WHAT OUTPUT
    n=$((n + 1))
    if [ "$1" = 0 ]; then
        pass=$((pass + 1)); echo "ok $n - $2: $3"
    else
        fail=$((fail + 1)); echo "not ok $n - $2: $3"
    fi
}

run_as() {  # run_as WHO PROGRAM...
    who=$1; shift
    case "$who" in
        root) out=$(unshare -m --propagation private "$@" 2>&1) ;;
        unpriv) out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$@" 2>&1) ;;
        *) out=$("$@" 2>&1) ;;
    esac
    rc=$?
    printf '%s' "$out" | tr '\n' ' ' | sed 's/ $//'
    return $rc
}

if [ "$(id -u)" = 0 ]; then
    users="root"
    command -v setpriv >/dev/null && users="root unpriv"
else
    users="self"
fi

for src in "$here"/*.c; do
    name=$(basename "$src" .c)
    if ! msg=$($cc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -o "$tmp/$name" "$src" 2>&1); then
        report 1 "$name.c compiles" "$msg"
        continue
    fi
    report 0 "$name.c compiles" "$cc -std=c11 -Wall -Wextra -Werror"
    chmod 755 "$tmp/$name"
    for who in $users; do
        out=$(run_as "$who" "$tmp/$name"); report $? "$name runs ($who)" "$out"
    done
done
for src in "$here"/*.sh; do
    name=$(basename "$src")
    [ "$name" = run.sh ] && continue
    cp "$src" "$tmp/$name" && chmod 755 "$tmp/$name"
    for who in $users; do
        out=$(run_as "$who" "$tmp/$name"); report $? "$name runs ($who)" "$out"
    done
done
[ "$(cat /proc/self/mountinfo)" = "$mounts_before" ]
report $? "the host's mount table is unchanged" "/proc/self/mountinfo compared"
echo "snippets: $pass passed, $fail failed"
[ "$fail" = 0 ]
