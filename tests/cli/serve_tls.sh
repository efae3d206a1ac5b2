#!/bin/sh
# Runs tests/cli/serve_tls.py (TLS and enforced client certificates).
exec python3 "$(dirname "$0")/serve_tls.py"
