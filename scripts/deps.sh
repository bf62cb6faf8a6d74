#!/bin/sh
# Install the Debian packages a make target needs.
#
#   scripts/deps.sh [GROUP...]     groups: build test bench paper all (default: build)
#
# As root, installs what is missing with apt-get (idempotent; when nothing is missing it
# only runs dpkg-query, so it is fast). As anyone else, prints the exact apt-get line and
# exits 1. Set VOID_DEPS_SKIP=1 to skip the check entirely.
set -eu

[ "${VOID_DEPS_SKIP:-0}" = 1 ] && exit 0

pkgs_build="gcc make libc6-dev libcap-dev libjansson-dev libssl-dev zlib1g-dev pkg-config"
pkgs_test="$pkgs_build libcmocka-dev python3 python3-pytest util-linux keyutils man-db bubblewrap hyperfine curl openssl gzip gnuplot-nox manpages manpages-dev"
pkgs_bench="$pkgs_build hyperfine bubblewrap firejail musl-tools wrk nginx curl openssl gzip"
pkgs_paper="gnuplot-nox graphviz texlive-latex-base texlive-latex-recommended texlive-fonts-recommended manpages manpages-dev"

groups="${*:-build}"
wanted=""
for g in $groups; do
    case "$g" in
        build) wanted="$wanted $pkgs_build" ;;
        test)  wanted="$wanted $pkgs_test" ;;
        bench) wanted="$wanted $pkgs_bench" ;;
        paper) wanted="$wanted $pkgs_paper" ;;
        all)   wanted="$wanted $pkgs_test $pkgs_bench $pkgs_paper" ;;
        *) echo "deps.sh: unknown group '$g'; expected build, test, bench, paper or all" >&2; exit 2 ;;
    esac
done

missing=""
for p in $(printf '%s\n' $wanted | sort -u); do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing="$missing $p"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing Debian packages; install them with:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi

echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Refresh the package lists only when a plain install cannot find a package.
apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1 || {
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends $missing
}
