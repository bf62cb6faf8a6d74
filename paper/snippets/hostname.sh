#!/bin/sh
# unshare(1) does the same without a line of C: a user namespace (root inside,
# so that the shell it execs keeps its capabilities there) and a UTS namespace,
# a hostname of its own; the host's hostname does not change.
set -eu
before=$(hostname)
inside=$(unshare --user --map-root-user --uts sh -c 'hostname void && hostname')
after=$(hostname)
echo "inside: $inside; host before and after: $before, $after"
[ "$inside" = void ] && [ "$before" = "$after" ]
