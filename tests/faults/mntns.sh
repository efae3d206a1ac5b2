# Sourced by tests that mount file systems (enospc, readonly_dir) BEFORE
# lib.sh: re-runs the test in a private mount namespace, so that its mounts
# vanish with it even if it is killed, and never show on the host.
#   root:      unshare -m --propagation private
#   non-root:  unshare -Urm (root inside a user namespace may mount tmpfs)
# If neither works the test FAILS (it must not pass without testing).
# Inside, AVSKEY_MNTNS is "root" or "userns".
if [ -z "${AVSKEY_MNTNS:-}" ]; then
    if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
        AVSKEY_MNTNS=root exec unshare -m --propagation private /bin/sh "$0" "$@"
    elif unshare -Urm true 2>/dev/null; then
        AVSKEY_MNTNS=userns exec unshare -Urm /bin/sh "$0" "$@"
    fi
    echo "FAIL: $(basename "$0"): cannot make a private mount namespace (uid $(id -u); unshare -m and" \
         "unshare -Urm both failed): this test needs root or user namespaces to mount a file system" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
export AVSKEY_MNTNS

# mount_small DIR SIZE [INODES]: a tmpfs of SIZE (e.g. 64k) at DIR, else an
# ext2 loop file system (AVSKEY_TEST_FS=loop: only that); prints what it
# mounted ("tmpfs" or "loop").
mount_small() {
    _opts="size=$2,mode=0755"
    [ -n "${3:-}" ] && _opts="$_opts,nr_inodes=$3"
    : >"$1.err"
    if [ "${AVSKEY_TEST_FS:-}" != loop ] && mount -t tmpfs -o "$_opts" avskey-test "$1" 2>"$1.err"; then
        echo tmpfs
        return 0
    fi
    if command -v mkfs.ext2 >/dev/null 2>&1; then
        _img="$1.img"
        _kb=${2%k}
        truncate -s "$(( _kb < 128 ? 128 : _kb ))k" "$_img" &&
            mkfs.ext2 -q -m 0 -b 1024 ${3:+-N "$(( $3 + 16 ))"} "$_img" 2>>"$1.err" &&
            mount -o loop "$_img" "$1" 2>>"$1.err" && chmod 755 "$1" && { echo loop; return 0; }
    fi
    echo "FAIL: cannot mount a small file system at $1 (tmpfs, then loop ext2): $(cat "$1.err")" >&2
    return 1
}
