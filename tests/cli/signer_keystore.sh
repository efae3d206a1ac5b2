#!/bin/sh
# sign ecdsa|bls --signer keystore:... gives the bytes of --key-path; signer test.
. "$(dirname "$0")/lib.sh"
printf 'password\n' > "$T/pw"
printf '4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318\n' > "$T/ek"
printf '12345678901234567890\n' > "$T/bk"
"$AVSKEY" keys import --key-type ecdsa --insecure --keystore-dir "$T/ks" --private-key-file "$T/ek" --password-file "$T/pw" op >/dev/null 2>&1 || bad "import ecdsa"
"$AVSKEY" keys import --key-type bls --insecure --keystore-dir "$T/ks" --private-key-file "$T/bk" --password-file "$T/pw" op >/dev/null 2>&1 || bad "import bls"
E=$T/ks/op.ecdsa.key.json
B=$T/ks/op.bls.key.json

same() { # same WHAT ARGS...: --key-path and --signer keystore: print the same line
    what=$1; file=$2; shift 2
    expect_rc 0 "$AVSKEY" sign "$what" --key-path "$file" --password-file "$T/pw" "$@"
    ref_line=$(cat "$T/out")
    expect_rc 0 "$AVSKEY" sign "$what" --signer "keystore:$file" --password-file "$T/pw" "$@"
    expect_out "$ref_line"
}
same ecdsa "$E" --data 0xdeadbeef
same ecdsa "$E" --digest 0x1111111111111111111111111111111111111111111111111111111111111111
same bls "$B" --message 0x0102
same bls "$B" --g1-point 0x00000000000000000000000000000000000000000000000000000000000000010000000000000000000000000000000000000000000000000000000000000002

expect_rc 0 "$AVSKEY" signer test "keystore:$E" --password-file "$T/pw" --json
[ "$(json_get reachable)" = True ] && [ "$(json_get verified)" = True ] && ok || bad "signer test json: $(cat "$T/out")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=d["key"]; assert k["type"]=="ecdsa" and k["address"].lower()=="0x2c7536e3605d9c16a7a3d7b1898e529396a65c23" and k["name"]=="op" and isinstance(d["latency_ms"],int)' "$T/out" && ok || bad "signer test key: $(cat "$T/out")"
expect_rc 0 "$AVSKEY" keys show --key-path "$B" --json --verify --password-file "$T/pw"
show=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])),sort_keys=True))' "$T/out")
expect_rc 0 "$AVSKEY" signer test "keystore:$B" --password-file "$T/pw" --json
got=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["key"],sort_keys=True))' "$T/out")
[ "$got" = "$show" ] && ok || bad "signer test key object != keys show --json --verify: $got / $show"
expect_rc 0 "$AVSKEY" signer test "keystore:$B" --password-file "$T/pw"
grep -q '^verified  *yes' "$T/out" && ok || bad "signer test text: $(cat "$T/out")"

# failures
printf 'wrong\n' > "$T/bad"
expect_rc 1 "$AVSKEY" sign ecdsa --signer "keystore:$E" --password-file "$T/bad" --data 0x00
expect_rc 1 "$AVSKEY" signer test "keystore:$E" --password-file "$T/bad" --json
[ "$(json_get verified)" = False ] && ok || bad "failed signer test json: $(cat "$T/out")"
expect_rc 2 "$AVSKEY" sign ecdsa --signer "keystore:$E" --key-path "$E" --password-file "$T/pw" --data 0x00
expect_rc 2 "$AVSKEY" sign ecdsa --signer "keystore:$B" --password-file "$T/pw" --data 0x00
expect_err_has "needs an ECDSA key"
expect_rc 2 "$AVSKEY" sign bls --signer "keystore:$E" --password-file "$T/pw" --message 0x00
expect_rc 2 "$AVSKEY" sign ecdsa --signer "ftp://x" --data 0x00
expect_rc 2 "$AVSKEY" signer test "nope:x"
expect_rc 2 "$AVSKEY" sign ecdsa --signer "keystore:$E" --password-file "$T/pw" --digest 0x12
expect_rc 2 "$AVSKEY" sign ecdsa --signer "keystore:$E" --key 0xab --password-file "$T/pw" --data 0x00
expect_rc 1 "$AVSKEY" sign ecdsa --signer "keystore:$T/missing.ecdsa.key.json" --password-file "$T/pw" --data 0x00
# --key-path alone keeps its old option set: --key and --signer-* are unknown there
expect_rc 2 "$AVSKEY" sign ecdsa --key-path "$E" --key 0xab --password-file "$T/pw" --data 0x00
expect_err_has "unknown option --key (see --help)"
expect_rc 2 "$AVSKEY" sign bls --key-path "$B" --signer-timeout-ms 5 --password-file "$T/pw" --message 0x00
expect_err_has "unknown option --signer-timeout-ms"
finish
