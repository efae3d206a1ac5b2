#!/bin/sh
# Runs tests/cli/signer_example.py: examples/avs_node against keystores and
# against avskey serve (HTTPS + gRPC/TLS, client certificates, tokens).
exec python3 "$(dirname "$0")/signer_example.py"
