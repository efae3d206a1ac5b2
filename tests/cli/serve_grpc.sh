#!/bin/sh
# Runs tests/cli/serve_grpc.mjs: the daemon's gRPC (Cerberus) front over its
# life (options, port conflicts, reload, SIGTERM with calls in flight) and
# the request parsers with hostile input. Also run with the ASan+UBSan
# binary (ctest asan-cli.serve_grpc). Needs node and tests/interop's
# node packages (scripts/install-deps --test).
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -d "$top/tests/interop/node_modules/@grpc/grpc-js" ]; then
    echo "serve_grpc: tests/interop/node_modules is missing (run scripts/install-deps --test)"
    echo "0 passed, 1 failed"
    exit 1
fi
cd "$top/tests/interop" && exec node "$top/tests/cli/serve_grpc.mjs"
