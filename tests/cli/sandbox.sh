#!/bin/sh
# Runs tests/cli/sandbox.py (serve and CLI verbs under the sandbox).
exec python3 "$(dirname "$0")/sandbox.py"
