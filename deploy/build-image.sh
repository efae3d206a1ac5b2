#!/bin/sh
# Builds the avskey container image FROM scratch out of files on this machine:
# the binary, exactly the shared libraries `ldd` names (the dynamic loader
# included), and /etc/passwd + /etc/group holding one non-root user. No shell,
# no package manager, no key material.
#
#   deploy/build-image.sh [--rootfs DIR] [--tag TAG] [BINARY]
#
#   --rootfs DIR  only lay the image's file tree out in DIR (deploy/Dockerfile
#                 uses this in its builder stage); needs no buildah
#   --tag TAG     image name (default localhost/avskey:<VERSION>)
#   BINARY        default build/avskey
#
# Environment: BUILDAH_OPTS global buildah options (e.g. "--storage-driver vfs
# --root DIR --runroot DIR"); SOURCE_DATE_EPOCH image creation time (default:
# the commit time), so a rebuild of the same files gives the same image.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
# The image's one user: avskey-61999. A fixed, high UID/GID that no
# distribution hands out (system users are < 1000, people 1000-60000), so
# files it owns on a mounted volume never belong to a real host account.
AVSKEY_UID=61999
AVSKEY_GID=61999

rootfs='' tag='' bin=''
while [ $# -gt 0 ]; do
    case "$1" in
        --rootfs) rootfs=$2; shift 2 ;;
        --tag) tag=$2; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "build-image: unknown option $1" >&2; exit 2 ;;
        *) bin=$1; shift ;;
    esac
done
bin=${bin:-$top/build/avskey}
[ -x "$bin" ] || { echo "build-image: no binary at $bin (run make)" >&2; exit 1; }
version=$(cat "$top/VERSION")
tag=${tag:-localhost/avskey:$version}

# lay_out DIR: the whole file tree of the image.
lay_out() {
    d=$1
    mkdir -p "$d/usr/bin" "$d/etc"
    install -m 0755 "$bin" "$d/usr/bin/avskey"
    # Every library ldd resolves, and the loader (the line without "=>"),
    # copied as real files at the paths ldd prints; vdso has no file.
    libs=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
    if ldd "$bin" | grep -q 'not found'; then
        echo "build-image: missing libraries: $(ldd "$bin" | grep 'not found')" >&2
        exit 1
    fi
    for l in $libs; do
        mkdir -p "$d$(dirname "$l")"
        cp -L "$l" "$d$l"
        chmod 0755 "$d$l"
    done
    printf 'avskey:x:%s:%s:avskey-%s:/nonexistent:/nonexistent\n' "$AVSKEY_UID" "$AVSKEY_GID" "$AVSKEY_UID" >"$d/etc/passwd"
    printf 'avskey:x:%s:\n' "$AVSKEY_GID" >"$d/etc/group"
    chmod 0644 "$d/etc/passwd" "$d/etc/group"
    find "$d" -type d -exec chmod 0755 {} +
    if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
        find "$d" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    fi
}

if [ -n "$rootfs" ]; then
    lay_out "$rootfs"
    exit 0
fi

command -v buildah >/dev/null 2>&1 || { echo "build-image: buildah is not installed (apt-get install buildah)" >&2; exit 1; }
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$top" log -1 --format=%ct 2>/dev/null || echo 0)
fi
export SOURCE_DATE_EPOCH
BUILDAH_OPTS=${BUILDAH_OPTS:-}
commit=$("$bin" version | sed -n 's/.*commit \([0-9a-z]*\).*/\1/p')

stage=$(mktemp -d "${TMPDIR:-/tmp}/avskey-image-XXXXXX")
ctr=
cleanup() {
    [ -n "$ctr" ] && buildah ${BUILDAH_OPTS:-} rm "$ctr" >/dev/null 2>&1
    rm -rf "$stage"
}
trap cleanup EXIT
lay_out "$stage/rootfs"

# shellcheck disable=SC2086
{
    ctr=$(buildah $BUILDAH_OPTS from scratch)
    buildah $BUILDAH_OPTS copy --chown 0:0 "$ctr" "$stage/rootfs/" / >/dev/null
    buildah $BUILDAH_OPTS config \
        --user "$AVSKEY_UID:$AVSKEY_GID" \
        --workingdir / \
        --entrypoint '["/usr/bin/avskey"]' \
        --cmd 'serve --keystore-dir /keys --password-file /run/secrets/avskey-passphrase --http-listen 0.0.0.0:9000 --tls-cert /config/tls/cert.pem --tls-key /config/tls/key.pem --auth-file /config/auth.yaml --audit-log /state/audit.log' \
        --env PATH=/usr/bin --env AVSKEY_KEYSTORE_DIR=/keys \
        --port 9000/tcp \
        --volume /keys --volume /config --volume /state \
        --stop-signal SIGTERM \
        --label org.opencontainers.image.title=avskey \
        --label org.opencontainers.image.description="avskey signer for EigenLayer AVS operators (Web3Signer eth1 API)" \
        --label org.opencontainers.image.version="$version" \
        --label org.opencontainers.image.revision="$commit" \
        --label org.opencontainers.image.documentation=deploy/README.md \
        "$ctr"
    buildah $BUILDAH_OPTS commit --quiet --rm --format oci --timestamp "$SOURCE_DATE_EPOCH" "$ctr" "$tag" >/dev/null
}
ctr=
echo "$tag"
