#!/bin/sh
# The container image (deploy/build-image.sh), built FROM scratch with buildah
# in a private vfs store under $T:
#  - config: non-root user 61999:61999, ENTRYPOINT /usr/bin/avskey, CMD serve ...
#  - files: only the allow-list (the binary, the libraries ldd names, the
#    loader, /etc/passwd, /etc/group), owned 0:0; no shell; no key files
#  - rebuilding the same files gives the same image digest
#  - GPG signing through containers/image (skopeo copy --sign-by) to a dir:
#    layout; a signedBy policy.json accepts it and rejects an unsigned image,
#    an altered manifest, another key's signature and another identity
#  - running it (podman + runc, read-only root, no capabilities, no network
#    but its own loopback): version --json, then the default CMD serving TLS
#    with an auth file, keys and passphrase mounted read-only, the audit log
#    on the /state volume, a clean stop on SIGTERM.
# Exits 0 with "skipped: <reason>" only when the machine cannot build images
# (checked: not root and no user namespaces, or no buildah and no apt-get);
# running is skipped, with the reason, only for the container-runtime limits
# named in run_blocker below. Every other failure fails.
. "$(dirname "$0")/lib.sh"
VERSION=$(cat "$TOP/VERSION")
TAG=localhost/avskey-test:$VERSION
S=$T/storage
BUILDAH_OPTS="--storage-driver vfs --root $S/root --runroot $S/run"
export BUILDAH_OPTS
REF="containers-storage:[vfs@$S/root+$S/run]$TAG"

skip() { echo "skipped: $*"; echo "$pass passed, $fail failed, 1 skipped"; exit 0; }

# ---- can this machine build images at all?
need=
for c in buildah skopeo podman gpg; do command -v $c >/dev/null 2>&1 || need="$need $c"; done
command -v runc >/dev/null 2>&1 || need="$need runc"
if [ -n "$need" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        pk=$(echo "$need" | sed 's/\bgpg\b/gnupg/')
        # shellcheck disable=SC2086
        { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends $pk || { apt-get update -qq -o DPkg::Lock::Timeout=600 >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends $pk; }; } >"$T/apt.log" 2>&1 ||
            { bad "apt-get install$pk failed: $(tail -3 "$T/apt.log")"; finish; exit 1; }
    else
        command -v buildah >/dev/null 2>&1 || skip "buildah is not installed and this is not root with apt-get"
    fi
fi
if [ "$(id -u)" -ne 0 ] && ! unshare -U true 2>/dev/null; then
    skip "not root and no user namespaces (rootless buildah needs them)"
fi

cleanup() {
    podman $BUILDAH_OPTS rm -af -t 0 >/dev/null 2>&1
    buildah $BUILDAH_OPTS rm --all >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

# ---- build
if SOURCE_DATE_EPOCH=1700000000 "$TOP/deploy/build-image.sh" --tag "$TAG" "$AVSKEY" >"$T/out" 2>"$T/err"; then ok
else bad "build-image.sh: $(cat "$T/err")"; finish; exit 1; fi
[ "$(cat "$T/out")" = "$TAG" ] && ok || bad "build-image printed '$(cat "$T/out")'"

# ---- the image config
buildah $BUILDAH_OPTS inspect --type image "$TAG" >"$T/inspect.json"
python3 - "$T/inspect.json" "$VERSION" <<'PY' && ok || bad "image config"
import json, sys
d = json.load(open(sys.argv[1]))["OCIv1"]
c = d["config"]
fails = []
def want(cond, what):
    if not cond: fails.append(what)
want(c.get("User") == "61999:61999", f"User {c.get('User')}")
want(c.get("Entrypoint") == ["/usr/bin/avskey"], f"Entrypoint {c.get('Entrypoint')}")
cmd = c.get("Cmd") or []
want(cmd[:1] == ["serve"], f"Cmd {cmd}")
for o in ("--keystore-dir", "--password-file", "--tls-cert", "--tls-key", "--auth-file", "--audit-log"):
    want(o in cmd, f"Cmd lacks {o}")
want(sorted(c.get("Volumes", {})) == ["/config", "/keys", "/state"], f"Volumes {c.get('Volumes')}")
want(all("PASS" not in e.upper() or "FILE" in e.upper() for e in c.get("Env", [])), f"Env {c.get('Env')}")
want(c.get("Labels", {}).get("org.opencontainers.image.version") == sys.argv[2], "version label")
want(d.get("created", "").startswith("2023-11-14T22:13:20"), f"created {d.get('created')} (SOURCE_DATE_EPOCH)")
for f in fails: print("FAIL:", f, file=sys.stderr)
sys.exit(1 if fails else 0)
PY

# ---- the files: an allow-list
skopeo copy -q "$REF" "dir:$T/img" 2>"$T/err" && ok || bad "skopeo copy to dir: $(cat "$T/err")"
layers=$(python3 -c 'import json,sys; print(" ".join(l["digest"].split(":")[1] for l in json.load(open(sys.argv[1]))["layers"]))' "$T/img/manifest.json")
: >"$T/files"
for l in $layers; do tar --numeric-owner -tvf "$T/img/$l" >>"$T/files" 2>/dev/null ||
    tar --numeric-owner -tvzf "$T/img/$l" >>"$T/files"; done
awk '{print $6}' "$T/files" | sed 's#^\./##; s#/$##' | grep -v '^$' | sort -u >"$T/names"
# allowed: the binary, /etc/passwd, /etc/group, each library ldd names (and their folders)
{ echo usr/bin/avskey; echo etc/passwd; echo etc/group
  ldd "$AVSKEY" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sed 's#^/##'; } | sort -u >"$T/allowed"
while read -r f; do
    case "$f" in usr|usr/bin|etc) continue ;; esac
    if grep -q -x -F "$f" "$T/allowed"; then continue; fi
    # a folder that holds an allowed file
    if grep -q "^$f/" "$T/allowed"; then continue; fi
    bad "file not in the allow-list: /$f"
done <"$T/names"
ok
while read -r f; do grep -q -x -F "$f" "$T/names" || bad "image lacks /$f"; done <"$T/allowed"
ok
if grep -E -q '(^|/)(sh|bash|dash|busybox|ash|su|sudo)$' "$T/names"; then bad "a shell in the image"; else ok; fi
km='\.key\.json$|\.pem$|\.key$|passphrase|secret'
if grep -E -q "$km" "$T/names"; then bad "key material in the image: $(grep -E "$km" "$T/names")"; else ok; fi
if awk '$2 != "0/0" {exit 1}' "$T/files"; then ok; else bad "files not owned by 0:0"; fi
if awk '$1 ~ /^-/ && $1 ~ /s/ {exit 1}' "$T/files"; then ok; else bad "setuid/setgid file in the image"; fi
for l in $layers; do tar -xOf "$T/img/$l" etc/passwd 2>/dev/null || tar -xOf "$T/img/$l" ./etc/passwd 2>/dev/null; done >"$T/passwd"
for l in $layers; do tar -xOf "$T/img/$l" etc/group 2>/dev/null || tar -xOf "$T/img/$l" ./etc/group 2>/dev/null; done >"$T/group"
[ "$(cat "$T/passwd")" = "avskey:x:61999:61999:avskey-61999:/nonexistent:/nonexistent" ] && ok || bad "passwd: $(cat "$T/passwd")"
[ "$(cat "$T/group")" = "avskey:x:61999:" ] && ok || bad "group: $(cat "$T/group")"

# ---- reproducible: the same files give the same image
id1=$(buildah $BUILDAH_OPTS inspect --type image --format '{{.FromImageDigest}}' "$TAG")
SOURCE_DATE_EPOCH=1700000000 "$TOP/deploy/build-image.sh" --tag "$TAG-again" "$AVSKEY" >/dev/null 2>"$T/err" || bad "rebuild: $(cat "$T/err")"
id2=$(buildah $BUILDAH_OPTS inspect --type image --format '{{.FromImageDigest}}' "$TAG-again")
if [ -n "$id1" ] && [ "$id1" = "$id2" ]; then ok; else bad "rebuild digest $id2 != $id1"; fi

# ---- deploy/Dockerfile: its final stage, built here from the same rootfs the
# builder stage would make (debian:12 cannot be pulled here), equals the image
mkdir "$T/df"
"$TOP/deploy/build-image.sh" --rootfs "$T/df/rootfs" "$AVSKEY" || bad "build-image.sh --rootfs"
awk '/^FROM scratch/ {f = 1} f' "$TOP/deploy/Dockerfile" |
    sed 's#^COPY --from=builder /rootfs/ /#COPY rootfs/ /#' >"$T/df/Dockerfile"
grep -q '^COPY rootfs/ /' "$T/df/Dockerfile" && ok || bad "Dockerfile final stage does not COPY --from=builder /rootfs/ /"
if (cd "$T/df" && buildah $BUILDAH_OPTS bud -q --timestamp 1700000000 -f Dockerfile -t "$TAG-df" . >/dev/null 2>"$T/err"); then ok
else bad "buildah bud of the Dockerfile's final stage: $(cat "$T/err")"; fi
buildah $BUILDAH_OPTS inspect --type image "$TAG-df" >"$T/inspect-df.json" 2>/dev/null
python3 - "$T/inspect.json" "$T/inspect-df.json" <<'PY' && ok || bad "Dockerfile and build-image.sh disagree"
import json, sys
a, b = (json.load(open(f))["OCIv1"]["config"] for f in sys.argv[1:3])
bad = [k for k in ("User", "Entrypoint", "Cmd", "Volumes", "Env", "ExposedPorts", "StopSignal", "WorkingDir") if a.get(k) != b.get(k)]
for k in bad: print(f"FAIL: {k}: build-image.sh {a.get(k)!r} / Dockerfile {b.get(k)!r}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
skopeo copy -q "containers-storage:[vfs@$S/root+$S/run]$TAG-df" "dir:$T/img-df" 2>"$T/err" || bad "copy Dockerfile image: $(cat "$T/err")"
: >"$T/files-df"
for l in $(python3 -c 'import json,sys; print(" ".join(l["digest"].split(":")[1] for l in json.load(open(sys.argv[1]))["layers"]))' "$T/img-df/manifest.json"); do
    tar --numeric-owner -tf "$T/img-df/$l" >>"$T/files-df" 2>/dev/null || tar --numeric-owner -tzf "$T/img-df/$l" >>"$T/files-df"
done
sed 's#^\./##; s#/$##' "$T/files-df" | grep -v '^$' | sort -u >"$T/names-df"
if cmp -s "$T/names" "$T/names-df"; then ok; else bad "Dockerfile image files differ: $(diff "$T/names" "$T/names-df" | head -5)"; fi
# its builder installs what scripts/install-deps calls the build packages
for p in $(sed -n 's/^BUILD_PKGS="\(.*\)"/\1/p' "$TOP/scripts/install-deps"); do
    grep -q -w -- "$p" "$TOP/deploy/Dockerfile" || bad "Dockerfile builder lacks package $p"
done
ok

# ---- signing (GPG through containers/image) and a signedBy policy
G=$T/gnupg; mkdir -m 700 "$G"
gpg_() { GNUPGHOME=$G gpg --batch --quiet "$@"; }
gpg_ --passphrase '' --quick-gen-key 'avskey image signer <signer@avskey.invalid>' ed25519 sign never 2>/dev/null
gpg_ --passphrase '' --quick-gen-key 'someone else <other@avskey.invalid>' ed25519 sign never 2>/dev/null
fpr=$(gpg_ --with-colons --list-keys signer@avskey.invalid | awk -F: '$1 == "fpr" {print $10; exit}')
other=$(gpg_ --with-colons --list-keys other@avskey.invalid | awk -F: '$1 == "fpr" {print $10; exit}')
gpg_ --export "$fpr" >"$T/signer.gpg"
sign() {  # sign FPR IDENTITY DIR
    GNUPGHOME=$G skopeo copy -q --sign-by "$1" --sign-identity "$2" "$REF" "dir:$3" 2>"$T/err"
}
if sign "$fpr" "$TAG" "$T/signed"; then ok; else bad "skopeo copy --sign-by: $(cat "$T/err")"; fi
[ -s "$T/signed/signature-1" ] && ok || bad "no signature-1 in the signed dir"
cat >"$T/policy.json" <<JSON
{"default": [{"type": "reject"}],
 "transports": {"dir": {"": [{"type": "signedBy", "keyType": "GPGKeys", "keyPath": "$T/signer.gpg",
   "signedIdentity": {"type": "exactReference", "dockerReference": "$TAG"}}]}}}
JSON
verify_img() { env -u GNUPGHOME skopeo copy -q --policy "$T/policy.json" "dir:$1" "dir:$T/copy.$$" >"$T/out" 2>"$T/err"; r=$?; rm -rf "$T/copy.$$"; return $r; }
if verify_img "$T/signed"; then ok; else bad "policy rejects the signed image: $(cat "$T/err")"; fi
if verify_img "$T/img"; then bad "policy accepts an unsigned image"; else ok; fi
grep -q "signature was required" "$T/err" && ok || bad "unsigned: $(cat "$T/err")"
cp -r "$T/signed" "$T/altered"
python3 -c 'import json,sys; p=sys.argv[1]; m=json.load(open(p)); m["annotations"]={"evil":"1"}; open(p,"w").write(json.dumps(m))' "$T/altered/manifest.json"
if verify_img "$T/altered"; then bad "policy accepts an altered manifest"; else ok; fi
sign "$other" "$TAG" "$T/other" || bad "sign with the other key: $(cat "$T/err")"
if verify_img "$T/other"; then bad "policy accepts another key's signature"; else ok; fi
sign "$fpr" "localhost/avskey-test:evil" "$T/wrongid" || bad "sign with another identity: $(cat "$T/err")"
if verify_img "$T/wrongid"; then bad "policy accepts another identity"; else ok; fi
# an altered layer: the signature still matches the manifest, the digest check refuses it
cp -r "$T/signed" "$T/altlayer"
l1=$(echo "$layers" | cut -d' ' -f1)
chmod u+w "$T/altlayer/$l1"; printf 'x' >>"$T/altlayer/$l1"
if verify_img "$T/altlayer"; then bad "an altered layer was accepted"; else ok; fi

# ---- running it
P="podman $BUILDAH_OPTS --runtime runc --cgroup-manager cgroupfs --events-backend none"
RUN="run --rm --read-only --cap-drop all --security-opt no-new-privileges --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
# run_blocker ERRFILE: prints the reason if the failure is a known limit of this
# machine's container runtime (not of the image), else nothing.
run_blocker() {
    grep -o -E "cgroups in hybrid mode not supported|setrlimit .RLIMIT_[A-Z]*.: Operation not permitted|unshare: operation not permitted|mount proc.*(operation not permitted|permission denied)|no such file or directory: OCI runtime attempted to invoke a command that was not found.*runc|cannot find .runc." "$1" | head -1
}
# shellcheck disable=SC2086
if timeout 120 $P $RUN --network none "$TAG" version --json >"$T/out" 2>"$T/err"; then
    ok
    [ "$(json_get version)" = "$VERSION" ] && ok || bad "version in the container: $(cat "$T/out")"
    # the default CMD: TLS + auth file, keys/config/passphrase read-only, /state writable
    mkdir -p "$T/v/keys" "$T/v/config/tls" "$T/v/state" "$T/v/secrets"
    cp "$FIX/web3signer/keyfile.json" "$T/v/keys/w3s.ecdsa.key.json"
    printf 'password\n' >"$T/v/secrets/avskey-passphrase"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost -days 2 \
        -keyout "$T/v/config/tls/key.pem" -out "$T/v/config/tls/cert.pem" >/dev/null 2>&1 || bad "openssl req"
    tok=$("$AVSKEY" auth add-client node --keys 0x7577919ae5df4941180eac211965f275cdce314d --auth-file "$T/v/config/auth.yaml" 2>/dev/null)
    chown -R 61999:61999 "$T/v"
    chmod 700 "$T/v/keys" "$T/v/state" "$T/v/config"
    chmod 600 "$T/v/keys/w3s.ecdsa.key.json" "$T/v/secrets/avskey-passphrase" "$T/v/config/tls/key.pem"
    # shellcheck disable=SC2086
    cid=$($P run -d --read-only --cap-drop all --security-opt no-new-privileges --ulimit nofile=1024:1024 \
        --ulimit nproc=1024:1024 --network none \
        -v "$T/v/keys:/keys:ro" -v "$T/v/config:/config:ro" -v "$T/v/state:/state" \
        -v "$T/v/secrets/avskey-passphrase:/run/secrets/avskey-passphrase:ro" "$TAG" 2>"$T/err")
    [ -n "$cid" ] && ok || bad "podman run -d: $(cat "$T/err")"
    i=0
    while [ $i -lt 100 ] && ! $P logs "$cid" 2>&1 | grep -q '"event":"listening"'; do sleep 0.2; i=$((i + 1)); done
    $P logs "$cid" >"$T/log" 2>&1
    grep -q '"event":"listening"' "$T/log" && ok || bad "daemon in the container did not listen: $(cat "$T/log")"
    pid=$($P inspect -f '{{.State.Pid}}' "$cid")
    [ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = 61999 ] && ok || bad "daemon uid $(awk '/^Uid:/' "/proc/$pid/status")"
    [ "$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")" = 0000000000000000 ] && ok || bad "daemon has capabilities"
    # talk to it inside its network namespace (it has only loopback)
    nsenter -t "$pid" -n python3 - "$tok" <<'PY' >"$T/probe" 2>&1 && ok || bad "HTTPS probe in the container's netns: $(cat "$T/probe")"
import http.client, json, ssl, sys
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
def req(method, path, body=None, tok=None):
    c = http.client.HTTPSConnection("127.0.0.1", 9000, context=ctx, timeout=10)
    h = {"Content-Type": "application/json"}
    if tok: h["Authorization"] = "Bearer " + tok
    c.request(method, path, body=json.dumps(body) if body else None, headers=h)
    r = c.getresponse(); return r.status, r.read().decode()
assert req("GET", "/upcheck") == (200, "OK"), req("GET", "/upcheck")
assert req("POST", "/", {"jsonrpc": "2.0", "id": 1, "method": "eth_accounts"})[0] == 401
st, b = req("POST", "/", {"jsonrpc": "2.0", "id": 1, "method": "eth_accounts"}, sys.argv[1])
assert st == 200 and json.loads(b)["result"] == ["0x7577919ae5df4941180eac211965f275cdce314d"], b
PY
    $P stop -t 20 "$cid" >/dev/null 2>&1
    [ "$($P inspect -f '{{.State.ExitCode}}' "$cid")" = 0 ] && ok || bad "exit code after SIGTERM: $($P inspect -f '{{.State.ExitCode}}' "$cid")"
    $P logs "$cid" >"$T/log" 2>&1
    [ -s "$T/v/state/audit.log" ] && ok || bad "no audit log on the /state volume"
    [ "$(stat -c %u "$T/v/state/audit.log")" = 61999 ] && ok || bad "audit log owner $(stat -c %u "$T/v/state/audit.log")"
    # nothing but /state changed, and no secret reached the logs
    if grep -q -F -e "$tok" -e password "$T/log"; then bad "a secret in the container log"; else ok; fi
    $P rm -f "$cid" >/dev/null 2>&1
else
    reason=$(run_blocker "$T/err")
    if [ -n "$reason" ]; then
        echo "image run skipped (container runtime on this machine): $reason"
    else
        bad "podman run: $(cat "$T/err")"
    fi
fi
finish
