#!/bin/sh
# The signer API client against an independent remote signer that misbehaves
# on request (tests/interop/signer_remote.mjs: ethers + @grpc/grpc-js): runs
# tests/interop/signer_remote.test.mjs with $AVSKEY_BIN. ctest already runs it
# as interop.signer_remote for build/avskey; this script covers other builds
# (asan-cli.signer_remote runs the ASan+UBSan binary).
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -d "$top/tests/interop/node_modules/@grpc/grpc-js" ]; then
    echo "signer_remote: tests/interop/node_modules is missing (run scripts/install-deps --test)"
    echo "0 passed, 1 failed"
    exit 1
fi
bin=${AVSKEY_BIN:-$top/build/avskey}
if [ "$(readlink -f "$bin")" = "$(readlink -f "$top/build/avskey")" ] && [ -z "${AVSKEY_SIGNER_REMOTE_ALWAYS:-}" ]; then
    echo "signer_remote: build/avskey is covered by interop.signer_remote"
    echo "0 passed, 0 failed"
    exit 0
fi
cd "$top/tests/interop" && exec node signer_remote.test.mjs
