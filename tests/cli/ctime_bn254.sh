#!/bin/sh
# Constant-time check of the BN254/BLS secret paths under valgrind memcheck.
# Needs build/ctime_bn254 (make ctime); fails if it or valgrind is missing.
set -eu
top=${AVSKEY_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin="$top/build/ctime_bn254"
if [ ! -x "$bin" ]; then
    echo "ctime_bn254.sh: $bin is missing; build it with 'make ctime'" >&2
    exit 1
fi
if ! command -v valgrind >/dev/null 2>&1; then
    echo "ctime_bn254.sh: valgrind is not installed" >&2
    exit 1
fi
exec valgrind --error-exitcode=1 --track-origins=yes -q "$bin"
