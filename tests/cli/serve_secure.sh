#!/bin/sh
# Runs tests/cli/serve_secure.py (auth, policy, audit, metrics, key-config).
exec python3 "$(dirname "$0")/serve_secure.py"
