#!/bin/sh
# libavskey.so from C++ (g++) and Python (ctypes): a keystore signer gives
# the signature the CLI gives.
. "$(dirname "$0")/lib.sh"
SO=$TOP/build/libavskey.so
cp "$FIX/eigen/go-ethereum/very-light-scrypt.json" "$T/light.ecdsa.key.json"
chmod 600 "$T/light.ecdsa.key.json"
printf '\n' > "$T/pw"
D=0x$(printf 'ab%.0s' $(seq 32))
expect_rc 0 "$AVSKEY" sign ecdsa --signer "keystore:$T/light.ecdsa.key.json" --password-file "$T/pw" --digest "$D"
cli=$(cat "$T/out")
if g++ -std=c++17 -Wall -Wextra -Werror -I"$TOP/include" $(pkg-config --cflags jansson) -o "$T/smoke" \
       "$TOP/tests/ffi/smoke.cpp" -L"$TOP/build" -lavskey -Wl,-rpath,"$TOP/build" 2>"$T/err"; then
    ok
    expect_rc 0 "$T/smoke" "$T/light.ecdsa.key.json" "" "$D"
    expect_out "$cli"
else
    bad "g++ build of tests/ffi/smoke.cpp: $(cat "$T/err")"
fi
expect_rc 0 python3 "$TOP/tests/ffi/smoke.py" "$SO" "$T/light.ecdsa.key.json" "$T/pw" "$D"
expect_out "$cli"
finish
