#!/bin/sh
# Crash safety of key file writes: SIGKILL keys create / keys passwd at
# random points and at every step of the write path, inject ENOSPC/EIO,
# check the call order and the handling of leftover temporary files.
# The work is in crash_safety.py (see its docstring for what is checked).
# More runs: AVSKEY_CRASH_CREATE=200 AVSKEY_CRASH_PASSWD=200 (or make soak).
. "$(dirname "$0")/lib.sh"
SHIM="$T/faultshim.so"
if ! ${CC:-cc} -shared -fPIC -o "$SHIM" "$TOP/tests/faults/faultshim.c" -ldl 2>"$T/cc.err"; then
    cat "$T/cc.err" >&2
    echo "FAIL: cannot build tests/faults/faultshim.c (needs a C compiler)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
AVSKEY="$AVSKEY" T="$T" FIX="$FIX" SHIM="$SHIM" python3 "$TOP/tests/cli/crash_safety.py"
