#!/bin/sh
# auth add-client and audit verify, end to end.
. "$(dirname "$0")/lib.sh"
A="$T/auth.yaml"

# add a client: token printed once (64 lowercase hex), note on stderr
expect_rc 0 "$AVSKEY" auth add-client node1 --keys 0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c,a3111a22 --auth-file "$A"
tok=$(cat "$T/out")
[ "$(wc -l < "$T/out")" -eq 1 ] && ok || bad "token is not one line"
printf '%s' "$tok" | grep -Eq '^[0-9a-f]{64}$' && ok || bad "token format '$tok'"
expect_err_has "not stored"
[ "$(stat -c %a "$A")" = 600 ] && ok || bad "auth file mode $(stat -c %a "$A")"
# only its sha256 is in the file
sha=$(printf '%s' "$tok" | sha256sum | cut -d' ' -f1)
grep -q "token_sha256: $sha" "$A" && ok || bad "sha256 of the token not in the file"
grep -q "$tok" "$A" && bad "token stored in the file" || ok
grep -q "keys: \[\"0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c\", \"a3111a22\"\]" "$A" && ok || bad "keys line"
# a second client with --admin; tokens differ
expect_rc 0 "$AVSKEY" auth add-client ops --keys '*' --admin --auth-file "$A"
[ "$(cat "$T/out")" != "$tok" ] && ok || bad "same token twice"
grep -q "admin: true" "$A" && ok || bad "admin flag"
# duplicate name refused (exit 1), file unchanged
cp "$A" "$T/before"
expect_rc 1 "$AVSKEY" auth add-client node1 --keys '*' --auth-file "$A"
expect_err_has "already exists"
cmp -s "$A" "$T/before" && ok || bad "file changed by a refused add"
[ ! -s "$T/out" ] && ok || bad "stdout not empty on refusal"
# usage errors exit 2
expect_rc 2 "$AVSKEY" auth add-client node2 --auth-file "$A"
expect_rc 2 "$AVSKEY" auth add-client 'bad name' --keys '*' --auth-file "$A"
expect_rc 2 "$AVSKEY" auth add-client node3 --keys 0xzz --auth-file "$A"
# a malformed file is refused (exit 2) and left alone
printf 'clients: [oops\n' > "$T/bad.yaml"
expect_rc 2 "$AVSKEY" auth add-client x --keys '*' --auth-file "$T/bad.yaml"
expect_err_has "bad.yaml"

# audit verify: make a log with python (same format as the daemon writes)
python3 - "$T/audit.log" <<'PY'
import hashlib, json, sys
prev = "0" * 64
out = open(sys.argv[1], "wb")
for i in range(1, 6):
    line = '{"seq":%d,"time":"2026-11-27T11:22:33.%03dZ","event":"sign","client":"node1","key":"0xabc","decision":"allow","reason":null,"prev":"%s"}' % (i, i, prev)
    out.write(line.encode() + b"\n")
    prev = hashlib.sha256(line.encode()).hexdigest()
PY
expect_rc 0 "$AVSKEY" audit verify "$T/audit.log"
head -1 "$T/out" | grep -qxF "$T/audit.log: 5 lines, chain intact" && ok || bad "verify output: $(cat "$T/out")"
# tamper: edit line 2 -> exit 1 naming line 3
sed '2s/allow/ALLOW/' "$T/audit.log" > "$T/t1.log"
expect_rc 1 "$AVSKEY" audit verify "$T/t1.log"
expect_err_has "line 3: prev does not match the SHA-256 of line 2"
# delete line 4
sed '4d' "$T/audit.log" > "$T/t2.log"
expect_rc 1 "$AVSKEY" audit verify "$T/t2.log"
expect_err_has "line 4: seq 5 where 4 was expected"
# garbage appended
cp "$T/audit.log" "$T/t3.log"; echo garbage >> "$T/t3.log"
expect_rc 1 "$AVSKEY" audit verify "$T/t3.log"
expect_err_has "line 6: not a JSON object"
# unreadable file and bad usage: exit 2
expect_rc 2 "$AVSKEY" audit verify "$T/nonexistent.log"
expect_rc 2 "$AVSKEY" audit verify
expect_rc 2 "$AVSKEY" audit verify a b
for v in "audit verify" "auth add-client"; do
    # shellcheck disable=SC2086
    expect_rc 0 "$AVSKEY" $v --help
    grep -q "usage: avskey" "$T/out" && ok || bad "$v --help"
done
finish
