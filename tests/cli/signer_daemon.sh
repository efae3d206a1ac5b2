#!/bin/sh
# Runs tests/cli/signer_daemon.py: web3signer and cerberus signers against
# avskey serve (HTTP and gRPC, TLS, client certificates, tokens).
exec python3 "$(dirname "$0")/signer_daemon.py"
