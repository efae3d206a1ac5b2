#!/bin/sh
# Runs one fuzz target for SECONDS (default 20) on a copy of its corpus.
# Usage: tests/fuzz/run.sh NAME [SECONDS]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
name=$1
secs=${2:-20}
bin="$top/build/fuzz/fuzz_$name"
[ -x "$bin" ] || { echo "missing $bin (make fuzz-build)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/new"
rc=0
mkdir -p "$top/build/fuzz/artifacts"
"$bin" -artifact_prefix="$top/build/fuzz/artifacts/$name-" -seed="${AVSKEY_FUZZ_SEED:-0}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "$work/new" "$top/tests/fuzz/corpus/$name" >"$work/log" 2>&1 || rc=$?
tail -12 "$work/log"
[ "$rc" -eq 0 ] || { echo "fuzz_$name FAILED (exit $rc):"; grep -A30 "ERROR\|==ERROR\|deadly" "$work/log" | head -60; }
exit "$rc"
