#!/bin/sh
# Runs tests/cli/serve_eth1.py (the daemon's Web3Signer eth1 behaviour).
exec python3 "$(dirname "$0")/serve_eth1.py"
