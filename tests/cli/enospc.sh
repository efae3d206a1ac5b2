#!/bin/sh
# ENOSPC: keys create and keys passwd on a full file system (a 64 KiB tmpfs
# in a private mount namespace; a loop ext2 if tmpfs cannot be mounted;
# FAIL if neither). Two ways to be full: no data blocks left (mkostemp
# works, write fails) and no inodes left (mkostemp fails). Each must exit 1
# with one clear "No space left on device" line, leave no temporary file,
# and leave the existing key byte-identical; once space is freed the same
# commands work.
. "$(dirname "$0")/../faults/mntns.sh"
. "$(dirname "$0")/lib.sh"
trap 'for m in "$T"/fs-*; do umount -l "$m" 2>/dev/null; done; rm -rf "$T"' EXIT
printf 'Tr0ub4dor&3-correct-horse-battery\n' > "$T/pw"
printf 'An0ther-Str0ng-passphrase-x9!\n' > "$T/pw2"
: > "$T/empty"

# the key to protect: the cheap-KDF go-ethereum fixture if present (its
# passphrase is empty), else a new one
LIGHT="$FIX/eigen/go-ethereum/very-light-scrypt.json"
mkdir "$T/src"
if [ -f "$LIGHT" ]; then cp "$LIGHT" "$T/src/a.ecdsa.key.json"; OLDPW="$T/empty"
else "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$T/src" --password-file "$T/pw" a >/dev/null; OLDPW="$T/pw"; fi
chmod 600 "$T/src/a.ecdsa.key.json"

# one_line_err SUBSTRING: stderr of the last expect_rc is one "avskey: " line with it
one_line_err() {
    if [ "$(grep -c . "$T/err")" = 1 ] && grep -q '^avskey: ' "$T/err" && grep -qF -- "$1" "$T/err"; then ok; sed 's/^/    /' "$T/err"
    else bad "want one 'avskey: ...$1' line, got: $(cat "$T/err")"; fi
}
no_temp() {
    if ls -a "$1" | grep -q '\.tmp-'; then bad "$2: temporary file left: $(ls -a "$1" | grep '\.tmp-')"; else ok; fi
}

# full_case KIND: KIND=blocks fills the data blocks, KIND=inodes uses up the inodes
full_case() {
    kind=$1
    M="$T/fs-$kind"
    mkdir "$M"
    if [ "$kind" = inodes ]; then how=$(mount_small "$M" 256k 8) || { bad "mount"; return; }
    else how=$(mount_small "$M" 64k) || { bad "mount"; return; }; fi
    echo "enospc ($kind): $how of $(df -k "$M" | awk 'NR==2{print $2}') KiB at $M (namespace: $AVSKEY_MNTNS)"
    K="$M/keys"
    mkdir -m 700 "$K"
    cp "$T/src/a.ecdsa.key.json" "$K/"
    if [ "$kind" = inodes ]; then
        i=0; while touch "$M/f$i" 2>/dev/null; do i=$((i + 1)); [ $i -gt 100000 ] && break; done
        echo "  filled: $i empty files, $(df -i "$M" | awk 'NR==2{print $4}') inodes free"
    else
        dd if=/dev/zero of="$M/fill" bs=1k 2>/dev/null
        echo "  filled: $(du -k "$M/fill" | cut -f1) KiB, $(df -k "$M" | awk 'NR==2{print $4}') KiB free"
    fi
    # the fill really ran it out of space
    if { printf x > "$M/probe"; } 2>/dev/null; then bad "$kind: the file system is not full"; rm -f "$M/probe"; else ok; fi

    expect_rc 1 "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" b
    one_line_err "No space left on device"
    [ ! -e "$K/b.ecdsa.key.json" ] && ok || bad "$kind: create left b.ecdsa.key.json"
    no_temp "$K" "$kind create"
    cmp -s "$K/a.ecdsa.key.json" "$T/src/a.ecdsa.key.json" && ok || bad "$kind: a changed by create"

    expect_rc 1 "$AVSKEY" keys passwd --key-path "$K/a.ecdsa.key.json" --password-file "$OLDPW" --new-password-file "$T/pw2"
    one_line_err "No space left on device"
    no_temp "$K" "$kind passwd"
    cmp -s "$K/a.ecdsa.key.json" "$T/src/a.ecdsa.key.json" && ok || bad "$kind: a changed by passwd"
    expect_rc 0 "$AVSKEY" keys show --key-path "$K/a.ecdsa.key.json" --verify --password-file "$OLDPW"
    expect_rc 0 "$AVSKEY" keys list --keystore-dir "$K"

    # free the space: the same commands now work
    rm -f "$M"/fill "$M"/f*
    expect_rc 0 "$AVSKEY" keys passwd --key-path "$K/a.ecdsa.key.json" --password-file "$OLDPW" --new-password-file "$T/pw2"
    expect_rc 0 "$AVSKEY" keys show --key-path "$K/a.ecdsa.key.json" --verify --password-file "$T/pw2"
    expect_rc 0 "$AVSKEY" keys create --key-type ecdsa --keystore-dir "$K" --password-file "$T/pw" b
    no_temp "$K" "$kind after freeing"
    umount "$M"
}

full_case blocks
full_case inodes
finish
