#!/bin/sh
# A typed passphrase never appears on the terminal: builds
# tests/pty/prompt_echo.c against libavskey.a (the ASan one when AVSKEY_BIN
# is the ASan build) and drives it on a pseudo-terminal with
# tests/pty/drive_prompt.py (python3 standard library). Exits non-zero on
# any failure, including a missing library or compiler.
set -eu
top=${AVSKEY_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
lib=$top/build/libavskey.a
san=
case "${AVSKEY_BIN:-}" in
*/asan/*)
    lib=$top/build/asan/libavskey.a
    san="-fsanitize=address,undefined -fno-sanitize-recover=all"
    ;;
esac
[ -f "$lib" ] || { echo "pty_prompt: $lib not built" >&2; exit 1; }
command -v python3 >/dev/null || { echo "pty_prompt: python3 not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -D_GNU_SOURCE -Wall -Wextra $san -I"$top/include" \
    "$top/tests/pty/prompt_echo.c" "$lib" \
    $(pkg-config --libs libsecp256k1 nettle hogweed jansson yaml-0.1 libcurl) -lscrypt-kdf -lpthread \
    -o "$tmp/prompt_echo"
python3 "$top/tests/pty/drive_prompt.py" "$tmp/prompt_echo"
