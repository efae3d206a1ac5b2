#!/bin/sh
# Runs tests/cli/password_url.py (--password-url against local HTTPS
# servers, --password-credential).
exec python3 "$(dirname "$0")/password_url.py"
