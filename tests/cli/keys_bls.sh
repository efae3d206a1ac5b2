#!/bin/sh
# BLS keys end to end: eigensdk/Cerberus vectors, eigenlayer-cli import and
# list cases (fixtures/eigen/vectors.json), sign/verify exit codes.
. "$(dirname "$0")/lib.sh"
K="$T/keys"
mkdir -m 700 "$K" "$T/c"
printf 'Tr0ub4dor&3-correct-horse-battery\n' > "$T/pw"
: > "$T/empty"
printf 'p@$$w0rd' > "$T/cpw"
cp "$FIX/eigen/eigensdk-go/signer-bls-local/test.bls.json" "$T/c/t.bls.key.json"
cp "$FIX/eigen/cerberus/keystore/a3111a2232584734d526d62cbb7c9a0d4ce1984a92b7ecb85bde8878fea5d1b0.json" "$T/c/cerb.json"
chmod 600 "$T"/c/*

# eigensdk's test key: every public form, and the "hello" signature
expect_rc 0 "$AVSKEY" keys show --key-path "$T/c/t.bls.key.json" --verify --json --password-file "$T/empty"
[ "$(json_get pubkey_g1)" = 0x1c8f9427033e5ff392f5cc97cc3d6a5472cff2778eee0961a497bd7dbb629a361a6152467762fb908e341054467d29947738e884d7ddf9bc2b6eed37dbed02c8 ] && ok || bad pubkey_g1
[ "$(json_get pubkey_g1_compressed)" = 0xdc8f9427033e5ff392f5cc97cc3d6a5472cff2778eee0961a497bd7dbb629a36 ] && ok || bad g1c
[ "$(json_get operator_id)" = 0x2f6d54c4ef253d4ac1b6bfa672a8f449a0aa6ab1c20ee97a74f8e521fe57604b ] && ok || bad operator_id
[ "$(json_get pubkey_g2_compressed)" = 0xe9b0f889a847f8dc2ed0514a6b7e11043679491052502e0a68ccc9a410f524e01e9d4863b49ca41d0a94928290b15aed25bfe097e266bdbb9106a09f689b4ea8 ] && ok || bad g2c
G2RAW=$(json_get pubkey_g2)
HELLO=0x2a21c157c51d13aa5922f67751520287088aa5336ae6d2ba06d0423fe7166ed811b48b5a3ff129d4c645f5f4cb33177a3503e26dc2d508b4b943bb8dd45085e2
expect_rc 0 "$AVSKEY" sign bls --key-path "$T/c/t.bls.key.json" --password-file "$T/empty" --message 0x68656c6c6f
expect_out "$HELLO"
# Cerberus' EIP-2335 keystore signs "somedata" to Cerberus' own test value
expect_rc 0 "$AVSKEY" sign bls --key-path "$T/c/cerb.json" --password-file "$T/cpw" --message 0x736f6d6564617461
expect_out 0x0fea882fc5c936c304b0d79f4c256dbb2d38a2df74b44aaa483dfa87f1a86ede0bbc32080db378a408b90af7e264b9768a4b2f16c6953ec2611a13bc448d27e4
expect_rc 0 "$AVSKEY" keys show --key-path "$T/c/cerb.json" --json
[ "$(json_get pubkey_g1_compressed)" = 0xa3111a2232584734d526d62cbb7c9a0d4ce1984a92b7ecb85bde8878fea5d1b0 ] && ok || bad cerberus_g1

# verify: raw and compressed G2; exit 0 / 1 / 2
expect_rc 0 "$AVSKEY" verify bls --pubkey-g2 "$G2RAW" --message 0x68656c6c6f --signature "$HELLO"
expect_rc 0 "$AVSKEY" verify bls --pubkey-g2 0xe9b0f889a847f8dc2ed0514a6b7e11043679491052502e0a68ccc9a410f524e01e9d4863b49ca41d0a94928290b15aed25bfe097e266bdbb9106a09f689b4ea8 --message 0x68656c6c6f --signature "$HELLO"
expect_rc 1 "$AVSKEY" verify bls --pubkey-g2 "$G2RAW" --message 0x68656c6c6e --signature "$HELLO"
expect_rc 1 "$AVSKEY" verify bls --pubkey-g2 "$G2RAW" --message 0x68656c6c6f --signature 0x$(printf '%0128d' 1)
expect_rc 2 "$AVSKEY" verify bls --pubkey-g2 "$G2RAW" --message 0x68656c6c6f --signature 0x1234
expect_rc 2 "$AVSKEY" verify bls --pubkey-g2 0x1234 --message 0x68656c6c6f --signature "$HELLO"
expect_rc 2 "$AVSKEY" verify bls --pubkey-g2 "$G2RAW" --message 0x$(printf '%066d' 0) --signature "$HELLO"

# --g1-point: sk*G1 equals the public key; infinity and >= p refused (exit 2)
expect_rc 0 "$AVSKEY" sign bls --key-path "$T/c/t.bls.key.json" --password-file "$T/empty" --g1-point 0x$(printf '%063d1%063d2' 0 0)
expect_out 0x1c8f9427033e5ff392f5cc97cc3d6a5472cff2778eee0961a497bd7dbb629a361a6152467762fb908e341054467d29947738e884d7ddf9bc2b6eed37dbed02c8
expect_rc 2 "$AVSKEY" sign bls --key-path "$T/c/t.bls.key.json" --password-file "$T/empty" --g1-point 0x$(printf '%0128d' 0)
expect_rc 2 "$AVSKEY" sign bls --key-path "$T/c/t.bls.key.json" --password-file "$T/empty" --g1-point 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd48$(printf '%063d2' 0)
expect_rc 2 "$AVSKEY" sign bls --key-path "$T/c/t.bls.key.json" --password-file "$T/empty" --g1-point 0x$(printf '%063d1%063d3' 0 0)
# an empty message signs 32 zero bytes
expect_rc 0 "$AVSKEY" sign bls --key-path "$T/c/t.bls.key.json" --password-file "$T/empty" --message 0x
Z1=$(cat "$T/out")
expect_rc 0 "$AVSKEY" sign bls --key-path "$T/c/t.bls.key.json" --password-file "$T/empty" --message 0x$(printf '%064d' 0)
expect_out "$Z1"

# eigenlayer-cli import cases: decimal as is, hex reduced mod r; zero refused
printf '20030410000080487431431153104351076122223465926814327806350179952713280726583\n' > "$T/dec"
expect_rc 0 "$AVSKEY" keys import --key-type bls --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/dec" dec
expect_rc 0 "$AVSKEY" keys export dec --key-type bls --keystore-dir "$K" --password-file "$T/pw" --yes
expect_out 0x2c48cf6fbb1bda99073db675ac39c55ba3e02f9d2208aaed8d208843acef2637
printf '0xfe198b992d97545b3b0174f026f781039f167c13f6d0ce9f511d0d2e973b7f02\n' > "$T/hex"
expect_rc 0 "$AVSKEY" keys import --key-type bls --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/hex" hex
expect_rc 0 "$AVSKEY" keys export hex --key-type bls --keystore-dir "$K" --password-file "$T/pw" --yes
expect_out 0x0c24035ac79f338aa170185f9f70c731d612f2a996319bc8fdb3414ae73b7efd
printf '0\n' > "$T/zero"
expect_rc 2 "$AVSKEY" keys import --key-type bls --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/zero" zero
printf '21888242871839275222246405745257275088548364400416034343698204186575808495617\n' > "$T/r"
expect_rc 2 "$AVSKEY" keys import --key-type bls --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/r" r
printf '12x45\n' > "$T/junk"
expect_rc 2 "$AVSKEY" keys import --key-type bls --keystore-dir "$K" --password-file "$T/pw" --private-key-file "$T/junk" junk
[ ! -e "$K/zero.bls.key.json" ] && [ ! -e "$K/junk.bls.key.json" ] && ok || bad "refused import wrote a file"

# a created BLS key: eigensdk file shape, verify round trip
expect_rc 0 "$AVSKEY" keys create --key-type bls --keystore-dir "$K" --password-file "$T/pw" --json fresh
python3 - "$K/fresh.bls.key.json" <<'PY' && ok || bad "bls file shape"
import json, re, sys
raw = open(sys.argv[1], "rb").read()
d = json.loads(raw)
assert list(d) == ["pubKey", "crypto"], list(d)
assert re.fullmatch(r"E\(\[\d+,\d+\]\)", d["pubKey"])
assert list(d["crypto"]) == ["cipher", "ciphertext", "cipherparams", "kdf", "kdfparams", "mac"]
assert d["crypto"]["kdfparams"]["n"] == 262144 and not raw.endswith(b"\n")
PY
expect_rc 0 "$AVSKEY" keys show fresh --key-type bls --keystore-dir "$K" --verify --json --password-file "$T/pw"
FG2=$(json_get pubkey_g2_compressed)
expect_rc 0 "$AVSKEY" sign bls --key-path "$K/fresh.bls.key.json" --password-file "$T/pw" --message 0xabcdef
FSIG=$(cat "$T/out")
expect_rc 0 "$AVSKEY" verify bls --pubkey-g2 "$FG2" --message 0xabcdef --signature "$FSIG"

# eigenlayer-cli's list cases: operator id = keccak256(X||Y) of pubKey
i=0
python3 - "$FIX/eigen/vectors.json" "$T/l" <<'PY'
import json, os, sys
v = json.load(open(sys.argv[1]))
os.mkdir(sys.argv[2], 0o700)
cases = [u for u in v["upstream_vectors"] if "list_test" in u.get("source", "")][0]["cases"]
crypto = json.load(open(os.environ["FIX"] + "/eigen/eigensdk-go/signer-bls-local/test.bls.json"))["crypto"]
with open(sys.argv[2] + "/expected", "w") as exp:
    for i, (pub, opid) in enumerate(cases):
        p = f"{sys.argv[2]}/k{i}.bls.key.json"
        json.dump({"pubKey": pub, "crypto": crypto}, open(p, "w"))
        os.chmod(p, 0o600)
        exp.write(f"k{i} 0x{opid}\n")
PY
expect_rc 0 "$AVSKEY" keys list --keystore-dir "$T/l" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(k["name"]+" "+k["operator_id"] for k in d))' "$T/out" > "$T/got"
cmp -s "$T/got" "$T/l/expected" && ok || { bad "list operator ids"; diff "$T/got" "$T/l/expected" >&2; }
finish
