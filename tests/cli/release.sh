#!/bin/sh
# scripts/release: tarball + .sha256 + minisign signature with a throwaway key;
# minisign -V and sha256sum -c accept it and refuse an altered tarball or the
# wrong key; the tarball is reproducible (sorted, one mtime, 0:0) and holds a
# binary that runs and names VERSION.
. "$(dirname "$0")/lib.sh"

if ! command -v minisign >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends minisign || { apt-get update -qq -o DPkg::Lock::Timeout=600 >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends minisign; }; } >/dev/null 2>&1 || true
    fi
    command -v minisign >/dev/null 2>&1 || { echo "FAIL: minisign missing and could not be installed" >&2; exit 1; }
fi

version=$(cat "$TOP/VERSION")
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
name=avskey-$version-linux-$arch
rel() {  # rel OUTDIR [VAR=value...]: scripts/release with the binary under test
    o=$1; shift
    env AVSKEY_RELEASE_BIN="$AVSKEY" AVSKEY_RELEASE_OUT="$o" AVSKEY_RELEASE_ALLOW_DIRTY=1 \
        AVSKEY_MINISIGN_KEY="$T/k.key" "$@" "$TOP/scripts/release" >"$T/out" 2>"$T/err"
}

minisign -G -W -p "$T/k.pub" -s "$T/k.key" >/dev/null 2>&1 || bad "minisign -G -W"
minisign -G -W -p "$T/other.pub" -s "$T/other.key" >/dev/null 2>&1 || bad "minisign -G -W (second key)"

# no key: refused, and says which variable
expect_rc 1 env -u AVSKEY_MINISIGN_KEY AVSKEY_RELEASE_BIN="$AVSKEY" AVSKEY_RELEASE_OUT="$T/nokey" \
    AVSKEY_RELEASE_ALLOW_DIRTY=1 "$TOP/scripts/release"
expect_err_has "AVSKEY_MINISIGN_KEY"

if rel "$T/a"; then ok; else bad "scripts/release: $(cat "$T/err")"; fi
tgz=$T/a/$name.tar.gz
if [ "$(cat "$T/out")" = "$tgz" ]; then ok; else bad "release printed '$(cat "$T/out")', not $tgz"; fi
for f in "$tgz" "$tgz.sha256" "$tgz.minisig"; do [ -s "$f" ] && ok || bad "missing $f"; done

# verification as an operator does it
expect_rc 0 minisign -V -p "$T/k.pub" -m "$tgz"
expect_rc 0 sh -c "cd '$T/a' && sha256sum -c '$name.tar.gz.sha256'"
# the trusted (signed) comment names the file and its sha256
sum=$(cut -d' ' -f1 "$tgz.sha256")
if grep -q "^trusted comment: $name.tar.gz sha256 $sum commit [0-9a-f]" "$tgz.minisig"; then ok
else bad "trusted comment: $(grep trusted "$tgz.minisig")"; fi
expect_rc 1 minisign -V -p "$T/other.pub" -m "$tgz"

# an altered tarball fails both checks
mkdir "$T/bad" && cp "$tgz" "$tgz.sha256" "$tgz.minisig" "$T/bad/"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2]^=1; open(p,"wb").write(b)' "$T/bad/$name.tar.gz"
expect_rc 1 minisign -V -p "$T/k.pub" -m "$T/bad/$name.tar.gz"
expect_rc 1 sh -c "cd '$T/bad' && sha256sum -c --quiet '$name.tar.gz.sha256'"
# so does an altered trusted comment
cp "$tgz" "$T/bad/$name.tar.gz"
sed 's/^trusted comment: /trusted comment: x/' "$tgz.minisig" >"$T/bad/$name.tar.gz.minisig"
expect_rc 1 minisign -V -p "$T/k.pub" -m "$T/bad/$name.tar.gz"

# reproducible: a second run gives the same bytes; another SOURCE_DATE_EPOCH does not
sleep 1
rel "$T/b" || bad "second release: $(cat "$T/err")"
if cmp -s "$tgz" "$T/b/$name.tar.gz"; then ok; else bad "two releases differ"; fi
rel "$T/c" SOURCE_DATE_EPOCH=1700000000 || bad "release with SOURCE_DATE_EPOCH: $(cat "$T/err")"
if cmp -s "$tgz" "$T/c/$name.tar.gz"; then bad "SOURCE_DATE_EPOCH had no effect"; else ok; fi
LC_ALL=C tar --numeric-owner -tvzf "$T/c/$name.tar.gz" >"$T/list"
if awk '$2 != "0/0" {exit 1}' "$T/list"; then ok; else bad "entries not owned by 0/0"; fi
if [ "$(awk '{print $4" "$5}' "$T/list" | sort -u)" = "$(TZ=UTC0 date -d @1700000000 '+%Y-%m-%d %H:%M')" ] ||
   [ "$(awk '{print $4" "$5}' "$T/list" | sort -u | wc -l)" -eq 1 ]; then ok; else bad "more than one mtime"; fi
awk '{print $6}' "$T/list" >"$T/names"
if LC_ALL=C sort -c "$T/names" 2>/dev/null; then ok; else bad "entries not sorted"; fi
if awk -v n="$name/" 'index($0, n) != 1 {exit 1}' "$T/names"; then ok; else bad "entry outside $name/"; fi

# contents: the binary runs and names VERSION; docs and deploy files are there
mkdir "$T/x" && tar -xzf "$tgz" -C "$T/x"
for f in bin/avskey README.md CHANGELOG.md VERSION deploy/avskey.service deploy/avskey.env.example \
    deploy/Dockerfile deploy/README.md docs/security.md; do
    [ -e "$T/x/$name/$f" ] && ok || bad "tarball lacks $f"
done
expect_rc 0 "$T/x/$name/bin/avskey" version --json
if [ "$(json_get version)" = "$version" ]; then ok; else bad "version --json: $(cat "$T/out")"; fi
# no key material: no key files, no private keys, no minisign secret key (text files;
# the binary itself names the "crypto" field)
if find "$T/x" -name '*.key.json' -o -name '*.key' -o -name '*.pem' | grep -q . ||
   grep -r -I -q -E '"crypto" *:|BEGIN [A-Z ]*PRIVATE KEY|secret key' "$T/x"; then
    bad "tarball holds key material"; else ok; fi
# the release build itself (make in build/release/obj with build paths mapped
# out) is reproducible: two copies of the sources in different folders give
# byte-identical tarballs. Once, with the plain build (not per sanitizer).
case "$AVSKEY" in
*/asan/*) echo "release build reproducibility: checked by the plain-build run" ;;
*)
    for c in one two-longer-path; do
        mkdir -p "$T/$c/src"
        (cd "$TOP" && tar -cf - Makefile VERSION README.md CHANGELOG.md include src proto scripts deploy docs) |
            (cd "$T/$c/src" && tar -xf -)
        (cd "$T/$c/src" && env -u AVSKEY_MINISIGN_KEY AVSKEY_RELEASE_UNSIGNED=1 SOURCE_DATE_EPOCH=1700000000 \
            AVSKEY_RELEASE_OUT="$T/$c/out" scripts/release >"$T/out" 2>"$T/err") || bad "release build in $c: $(tail -5 "$T/err")"
    done
    if cmp -s "$T/one/out/$name.tar.gz" "$T/two-longer-path/out/$name.tar.gz"; then ok
    else bad "release builds from two folders differ: $(cmp "$T/one/src/build/release/obj/avskey" "$T/two-longer-path/src/build/release/obj/avskey")"; fi
    [ -e "$T/one/out/$name.tar.gz.minisig" ] && bad "unsigned build left a signature" || ok
    ;;
esac
finish
