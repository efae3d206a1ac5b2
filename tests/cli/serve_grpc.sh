#!/bin/sh
# Runs tests/cli/serve_grpc.mjs: the daemon's gRPC (Cerberus) front over its
# life (options, port conflicts, reload, SIGTERM with calls in flight) and
# the request parsers with hostile input. For another build than
# build/avskey (ctest asan-cli.serve_grpc runs the ASan+UBSan binary) it
# also runs the full protocol test tests/interop/grpc_cerberus.test.mjs,
# which ctest already runs as interop.grpc_cerberus for build/avskey.
# Needs node and tests/interop's node packages (scripts/install-deps --test).
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -d "$top/tests/interop/node_modules/@grpc/grpc-js" ]; then
    echo "serve_grpc: tests/interop/node_modules is missing (run scripts/install-deps --test)"
    echo "0 passed, 1 failed"
    exit 1
fi
cd "$top/tests/interop" || exit 1
node "$top/tests/cli/serve_grpc.mjs" || exit 1
bin=${AVSKEY_BIN:-$top/build/avskey}
if [ "$(readlink -f "$bin")" != "$(readlink -f "$top/build/avskey")" ]; then
    node "$top/tests/interop/grpc_cerberus.test.mjs" || exit 1
fi
