#!/bin/sh
# make soak: the daemon soak (tests/soak/soak.py), then the long crash test.
top=$(cd "$(dirname "$0")/../.." && pwd)
status=0
python3 "$top/tests/soak/soak.py" || status=1
runs=${SOAK_CRASH_RUNS:-200}
if [ "$runs" -gt 0 ]; then
    echo
    echo "crash_safety: $runs create + $runs passwd random kills"
    AVSKEY_CRASH_CREATE=$runs AVSKEY_CRASH_PASSWD=$runs sh "$top/tests/cli/crash_safety.sh" || status=1
fi
exit $status
