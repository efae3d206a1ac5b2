# Shared helpers for the CLI tests (POSIX sh). Source it; it sets:
#   AVSKEY  the binary under test ($AVSKEY_BIN, else build/avskey)
#   FIX     the fixtures folder ($AVSKEY_FIXTURES)
#   T       a private temporary folder, removed on exit
set -u
TOP=${AVSKEY_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
AVSKEY=${AVSKEY_BIN:-$TOP/build/avskey}
FIX=${AVSKEY_FIXTURES:-$TOP/../shared/fixtures}
export FIX
T=$(mktemp -d "${TMPDIR:-/tmp}/avskey-cli-XXXXXX")
chmod 700 "$T"
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect_rc WANT CMD...: runs CMD, stdout to $T/out, stderr to $T/err.
expect_rc() {
    want=$1; shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (want $want): $*"; sed 's/^/  stderr: /' "$T/err" >&2; fi
}
# expect_out STRING: stdout of the last expect_rc equals STRING (one line).
expect_out() {
    if [ "$(cat "$T/out")" = "$1" ]; then ok; else bad "stdout '$(cat "$T/out")' != '$1'"; fi
}
# expect_err_has SUBSTRING: stderr of the last command contains it.
expect_err_has() {
    if grep -qF -- "$1" "$T/err"; then ok; else bad "stderr lacks '$1': $(cat "$T/err")"; fi
}
expect_err_lacks() {
    if grep -qF -- "$1" "$T/err" "$T/out"; then bad "output contains '$1'"; else ok; fi
}
# json_get FIELD: a string field of the JSON object in $T/out.
json_get() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]] if d[sys.argv[2]] is not None else "null")' "$T/out" "$1"
}
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
