#!/bin/sh
# Read-only key folders: keys create and keys passwd must fail with one
# clear line (exit 1), leave no temporary file and lose nothing; reading
# (list, show --verify) still works. Root ignores permission bits, so the
# folder is made read-only for real, in a private mount namespace:
#   1. a tmpfs remounted read-only (mount -o remount,ro; as non-root, in a
#      user namespace: remount,bind,ro)
#   2. a read-only bind mount of an ordinary folder
#   3. mode 0500, run as the unprivileged user nobody (setpriv; needs root)
. "$(dirname "$0")/../faults/mntns.sh"
. "$(dirname "$0")/lib.sh"
trap 'for m in "$T"/ro-tmpfs "$T"/ro-bind; do umount -l "$m" 2>/dev/null; done; rm -rf "$T"' EXIT
chmod 711 "$T"
printf 'Tr0ub4dor&3-correct-horse-battery\n' > "$T/pw"
printf 'An0ther-Str0ng-passphrase-x9!\n' > "$T/pw2"
: > "$T/empty"
chmod 644 "$T/pw" "$T/pw2" "$T/empty"
LIGHT="$FIX/eigen/go-ethereum/very-light-scrypt.json"
mkdir "$T/src"
if [ -f "$LIGHT" ]; then cp "$LIGHT" "$T/src/a.ecdsa.key.json"; OLDPW="$T/empty"
else "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$T/src" --password-file "$T/pw" a >/dev/null; OLDPW="$T/pw"; fi
chmod 600 "$T/src/a.ecdsa.key.json"

one_line_err() {
    if [ "$(grep -c . "$T/err")" = 1 ] && grep -q '^avskey: ' "$T/err" && grep -qF -- "$1" "$T/err"; then ok; sed 's/^/    /' "$T/err"
    else bad "want one 'avskey: ...$1' line, got: $(cat "$T/err")"; fi
}

# check_ro LABEL DIR ERRTEXT [RUNAS...]: create and passwd fail, nothing lost
check_ro() {
    label=$1 K=$2 text=$3
    shift 3
    echo "readonly_dir ($label): $K"
    expect_rc 1 "$@" "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" b
    one_line_err "$text"
    expect_rc 1 "$@" "$AVSKEY" keys passwd --key-path "$K/a.ecdsa.key.json" --password-file "$OLDPW" --new-password-file "$T/pw2"
    one_line_err "$text"
    [ "$(ls -a "$K" | grep -v '^\.\.\?$' | tr '\n' ' ')" = "a.ecdsa.key.json " ] && ok || bad "$label: folder now holds: $(ls -a "$K")"
    cmp -s "$K/a.ecdsa.key.json" "$T/src/a.ecdsa.key.json" && ok || bad "$label: a.ecdsa.key.json changed"
    expect_rc 0 "$@" "$AVSKEY" keys list --keystore-dir "$K"
    expect_rc 0 "$@" "$AVSKEY" keys show --key-path "$K/a.ecdsa.key.json" --verify --password-file "$OLDPW"
}

# 1. tmpfs, key written while writable, then remounted read-only
M="$T/ro-tmpfs"
mkdir "$M"
if how=$(mount_small "$M" 256k); then
    mkdir -m 700 "$M/keys" && cp -p "$T/src/a.ecdsa.key.json" "$M/keys/"
    # the whole file system read-only; in a user namespace only the mount
    # point may be (its superblock belongs to the namespace, not to us)
    if mount -o remount,ro "$M" 2>/dev/null; then ro="remount,ro"
    elif mount -o remount,bind,ro "$M"; then ro="remount,bind,ro"
    else ro=""; bad "cannot remount $M read-only"; fi
    (: > "$M/keys/probe") 2>/dev/null && bad "tmpfs still writable" || ok
    check_ro "$how, mount -o $ro, namespace $AVSKEY_MNTNS" "$M/keys" "Read-only file system"
else bad "cannot mount a tmpfs"; fi

# 2. read-only bind mount of an ordinary folder
B="$T/ro-bind"
mkdir -m 700 "$B" && cp -p "$T/src/a.ecdsa.key.json" "$B/"
if mount --bind "$B" "$B" && mount -o remount,bind,ro "$B"; then
    (: > "$B/probe") 2>/dev/null && bad "bind mount still writable" || ok
    check_ro "read-only bind mount" "$B" "Read-only file system"
else bad "cannot make a read-only bind mount"; fi

# 3. mode 0500 for a user that permission bits apply to
if [ "$AVSKEY_MNTNS" = root ] && command -v setpriv >/dev/null 2>&1; then
    P="$T/ro-perm"
    mkdir "$P" && cp -p "$T/src/a.ecdsa.key.json" "$P/" && chown -R 65534:65534 "$P" && chmod 500 "$P"
    NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"
    if $NOBODY sh -c ": > '$P/probe'" 2>/dev/null; then bad "0500 folder writable by nobody"; else ok; fi
    check_ro "mode 0500, user nobody" "$P" "Permission denied" $NOBODY
    chmod 700 "$P"
else
    echo "readonly_dir (mode 0500): not run (needs real root and setpriv to act as another user)"
fi
finish
