#!/bin/sh
# keys create/import/list/show/export/passwd and sign ecdsa, end to end.
. "$(dirname "$0")/lib.sh"
K="$T/keys"
STRONG='Tr0ub4dor&3-correct-horse-battery'
printf '%s\n' "$STRONG" > "$T/pw"
printf 'HhzcmbpkHCQpvBlXrvLB' > "$T/oprpw"

# import the eigenlayer-cli operator key (fixture) and check its address
printf '0x42281fddc4e57b9d993ccbac0e6cfe257f63e4b39cb5c686acb593d85648f0f1\n' > "$T/sk"
expect_rc 0 "$AVSKEY" keys import --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/sk" --json opr
[ "$(json_get address)" = "0x7DbC809c1EC153D45fFB0C75fB4fdED68E34699E" ] && ok || bad "import address"
[ "$(stat -c %a "$K")" = 700 ] && ok || bad "folder mode"
[ "$(stat -c %a "$K/opr.ecdsa.key.json")" = 600 ] && ok || bad "file mode"
# the file has go-ethereum's shape and field order, no trailing newline
python3 - "$K/opr.ecdsa.key.json" <<'PY' && ok || bad "file shape"
import json, re, sys
raw = open(sys.argv[1], "rb").read()
assert not raw.endswith(b"\n")
d = json.loads(raw)
assert list(d) == ["address", "crypto", "id", "version"], list(d)
assert list(d["crypto"]) == ["cipher", "ciphertext", "cipherparams", "kdf", "kdfparams", "mac"]
assert d["crypto"]["kdfparams"] == {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": d["crypto"]["kdfparams"]["salt"]}
assert list(d["crypto"]["kdfparams"]) == ["dklen", "n", "p", "r", "salt"]
assert d["address"] == "7dbc809c1ec153d45ffb0c75fb4fded68e34699e"
assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", d["id"])
PY

# show without passphrase, then --verify with it
expect_rc 0 "$AVSKEY" keys show opr --key-type ecdsa --keystore-dir "$K" --json
[ "$(json_get name)" = opr ] && [ "$(json_get type)" = ecdsa ] && ok || bad "show fields"
expect_rc 0 "$AVSKEY" keys show --key-path "$K/opr.ecdsa.key.json" --verify --json --password-file "$T/pw"
[ "$(json_get public_key)" = "0xd2bee57473f29235759c12086d0dda915a08fbf179adecdf0315715de310be8528e8f9d831ba151690e7b14888fb7b0abba483686810e77d5dbda45ba0468a1c" ] && ok || bad "public_key"

# stdin (not a terminal) supplies the passphrase
printf '%s\n' "$STRONG" | "$AVSKEY" keys show --key-path "$K/opr.ecdsa.key.json" --verify --json >"$T/out" 2>"$T/err" && ok || bad "stdin passphrase"
# env var source
AVSKEY_TEST_PW="$STRONG" expect_rc 0 "$AVSKEY" keys show --key-path "$K/opr.ecdsa.key.json" --verify --password-env AVSKEY_TEST_PW

# wrong passphrase: exit 1, clear message, no secret in it
printf 'not-the-passphrase\n' > "$T/wrong"
expect_rc 1 "$AVSKEY" keys show --key-path "$K/opr.ecdsa.key.json" --verify --password-file "$T/wrong"
expect_err_has "wrong passphrase"
expect_err_lacks "not-the-passphrase"

# sign ecdsa: --digest and --data (keccak of data); RFC 6979 makes it deterministic
expect_rc 0 "$AVSKEY" sign ecdsa --key-path "$K/opr.ecdsa.key.json" --password-file "$T/pw" --data 0x68656c6c6f
SIG1=$(cat "$T/out")
expect_rc 0 "$AVSKEY" sign ecdsa --key-path "$K/opr.ecdsa.key.json" --password-file "$T/pw" --digest 0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8
expect_out "$SIG1"
echo "$SIG1" | grep -qE '^0x[0-9a-f]{128}(1b|1c)$' && ok || bad "signature format $SIG1"
expect_rc 2 "$AVSKEY" sign ecdsa --key-path "$K/opr.ecdsa.key.json" --password-file "$T/pw" --digest 0x1234
expect_err_has "--digest"
expect_rc 2 "$AVSKEY" sign ecdsa --key-path "$K/opr.ecdsa.key.json" --password-file "$T/pw" --data 0xzz
expect_rc 2 "$AVSKEY" sign ecdsa --key-path "$K/opr.ecdsa.key.json" --password-file "$T/pw"

# never overwrite: the file stays byte-identical
cp "$K/opr.ecdsa.key.json" "$T/before"
expect_rc 1 "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" opr
expect_err_has "already exists"
expect_rc 1 "$AVSKEY" keys import opr --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/sk"
cmp -s "$K/opr.ecdsa.key.json" "$T/before" && ok || bad "file changed"

# weak passphrase refused unless --insecure; empty always refused
printf 'password\n' > "$T/weak"
expect_rc 1 "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/weak" weak1
expect_err_has "weak"
[ ! -e "$K/weak1.ecdsa.key.json" ] && ok || bad "weak key written"
expect_rc 0 "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/weak" --insecure weak1
printf '\n' > "$T/empty"
expect_rc 1 "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/empty" --insecure empty1
expect_err_has "empty"

# bad names, bad keys, bad usage: exit 2
expect_rc 2 "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" ../evil
expect_rc 2 "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" .hidden
expect_rc 2 "$AVSKEY" keys create --key-type rsa --keystore-dir "$K" --password-file "$T/pw" x
expect_rc 2 "$AVSKEY" keys create --keystore-dir "$K" --password-file "$T/pw" x
printf '0x1234\n' > "$T/shortsk"
expect_rc 2 "$AVSKEY" keys import --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/shortsk" short
expect_err_has "64 hex"
printf 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141\n' > "$T/nsk"
expect_rc 2 "$AVSKEY" keys import --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/nsk" big
expect_rc 2 "$AVSKEY" keys list --bogus
expect_rc 2 "$AVSKEY" nosuchverb
ls "$K" | grep -q tmp && bad "temporary file left" || ok

# a key given as an argument works, with a warning
expect_rc 0 "$AVSKEY" keys import --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" argkey 0xb5457d50cab83f5e663744ae235ed53a7fa814897d3291bb630a4d06fa31b4a6
expect_err_has "shell history"

# list shows every key, sorted, JSON array
expect_rc 0 "$AVSKEY" keys list --keystore-dir "$K" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [k["name"] for k in d]==["argkey","opr","weak1"], d; assert d[0]["address"]=="0xD4Ee935d77B590AA64aeD7B02dD66f1383006684", d[0]' "$T/out" && ok || bad "list json"
AVSKEY_KEYSTORE_DIR="$K" expect_rc 0 "$AVSKEY" keys list
grep -q "0x7DbC809c1EC153D45fFB0C75fB4fdED68E34699E" "$T/out" && ok || bad "list text"

# export: refused without a terminal or --yes; prints the key with --yes
expect_rc 1 "$AVSKEY" keys export opr --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw"
expect_rc 0 "$AVSKEY" keys export opr --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" --yes
expect_out "0x42281fddc4e57b9d993ccbac0e6cfe257f63e4b39cb5c686acb593d85648f0f1"

# passwd: new passphrase works, old does not, same address and id
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$K/opr.ecdsa.key.json")
printf 'An0ther-Very-Strong-Passphrase!!\n' > "$T/pw2"
expect_rc 1 "$AVSKEY" keys passwd opr --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" --new-password-file "$T/weak"
cmp -s "$K/opr.ecdsa.key.json" "$T/before" && ok || bad "weak passwd changed the file"
expect_rc 0 "$AVSKEY" keys passwd opr --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" --new-password-file "$T/pw2"
expect_rc 1 "$AVSKEY" keys show --key-path "$K/opr.ecdsa.key.json" --verify --password-file "$T/pw"
expect_rc 0 "$AVSKEY" keys show --key-path "$K/opr.ecdsa.key.json" --verify --json --password-file "$T/pw2"
[ "$(json_get address)" = "0x7DbC809c1EC153D45fFB0C75fB4fdED68E34699E" ] && ok || bad "passwd address"
[ "$ID" = "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$K/opr.ecdsa.key.json")" ] && ok || bad "passwd id"

# a key file readable by others is refused with the fix
cp "$FIX/eigen/eigenlayer-cli/web3signer/operator_keys/opr.ecdsa.key.json" "$T/loose.ecdsa.key.json"
chmod 644 "$T/loose.ecdsa.key.json"
expect_rc 1 "$AVSKEY" sign ecdsa --key-path "$T/loose.ecdsa.key.json" --password-file "$T/oprpw" --digest 0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8
expect_err_has "chmod 600"
chmod 600 "$T/loose.ecdsa.key.json"
# the fixture written by eigenlayer-cli signs the same bytes as our import
expect_rc 0 "$AVSKEY" sign ecdsa --key-path "$T/loose.ecdsa.key.json" --password-file "$T/oprpw" --digest 0x1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8
expect_out "$SIG1"

# a folder, garbage and truncated files: exit 2 naming the file
expect_rc 2 "$AVSKEY" keys show --key-path "$T"
head -c 100 "$T/loose.ecdsa.key.json" > "$T/trunc.ecdsa.key.json"
expect_rc 2 "$AVSKEY" keys show --key-path "$T/trunc.ecdsa.key.json"
expect_err_has "trunc.ecdsa.key.json"

# --help on every verb
for v in "keys create" "keys import" "keys list" "keys show" "keys export" "keys passwd" "sign ecdsa" "bench" "version"; do
    # shellcheck disable=SC2086
    expect_rc 0 "$AVSKEY" $v --help
    grep -q "usage: avskey" "$T/out" && ok || bad "$v --help"
done
finish
