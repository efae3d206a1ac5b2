#!/bin/sh
# deploy/avskey.service: systemd-analyze verify (no warnings), the hardening
# directives the unit promises, `systemd-analyze security --offline` exposure
# below 2.0, and a simulated start: the unit's own ExecStart line, with the
# variables systemd would set, reaches READY=1 on $NOTIFY_SOCKET, reloads on
# SIGHUP and stops cleanly on SIGTERM. (PID 1 here is not systemd, so the unit
# itself cannot be started; see deploy/README.md.)
. "$(dirname "$0")/lib.sh"
UNIT=$TOP/deploy/avskey.service
MAX_EXPOSURE=2.0   # measured 1.1 on systemd 252 (Debian 12)

if ! command -v systemd-analyze >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends systemd || { apt-get update -qq -o DPkg::Lock::Timeout=600 >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
            --no-install-recommends systemd; }; } >/dev/null 2>&1 || true
    fi
    if ! command -v systemd-analyze >/dev/null 2>&1; then
        echo "FAIL: systemd-analyze missing and the systemd package could not be installed" >&2
        exit 1
    fi
fi

# ---- verify: in a private root holding the binary, kill and the stock units
R=$T/root
mkdir -p "$R/usr/bin" "$R/bin" "$R/etc/systemd/system" "$R/usr/lib/systemd"
cp "$AVSKEY" "$R/usr/bin/avskey"
cp "$(command -v kill)" "$R/bin/kill" 2>/dev/null || cp /bin/kill "$R/bin/kill"
cp -a /usr/lib/systemd/system "$R/usr/lib/systemd/"
verify() {  # verify UNITFILE: rc 0 and nothing on stderr
    cp "$1" "$R/etc/systemd/system/avskey.service"
    systemd-analyze verify --root="$R" avskey.service >"$T/out" 2>"$T/err"
    rc=$?
    [ $rc -eq 0 ] && [ ! -s "$T/err" ]
}
if verify "$UNIT"; then ok; else bad "systemd-analyze verify: $(cat "$T/err")"; fi
# the check catches mistakes: a misspelt value and an unknown directive
sed 's/^ProtectHome=yes/ProtectHome=yess/' "$UNIT" >"$T/typo.service"
if verify "$T/typo.service"; then bad "verify missed ProtectHome=yess"; else ok; fi
sed 's/^LockPersonality=yes/LockPersonalty=yes/' "$UNIT" >"$T/typo2.service"
if verify "$T/typo2.service"; then bad "verify missed an unknown directive"; else ok; fi

# ---- the directives the unit promises
for d in 'Type=notify' 'User=avskey' 'LoadCredentialEncrypted=avskey-passphrase:' \
    'ConfigurationDirectory=avskey' 'StateDirectory=avskey' 'ProtectSystem=strict' 'ProtectHome=yes' \
    'PrivateTmp=yes' 'PrivateDevices=yes' 'NoNewPrivileges=yes' 'CapabilityBoundingSet=' \
    'AmbientCapabilities=' 'SystemCallFilter=@system-service' 'SystemCallArchitectures=native' \
    'MemoryDenyWriteExecute=yes' 'LockPersonality=yes' 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' \
    'RestrictNamespaces=yes' 'RestrictRealtime=yes' 'ProtectKernelTunables=yes' 'ProtectKernelModules=yes' \
    'ProtectKernelLogs=yes' 'ProtectControlGroups=yes' 'ProtectClock=yes' 'ProtectHostname=yes' \
    'UMask=0077' 'LimitCORE=0' 'LimitMEMLOCK=' 'ExecReload=/bin/kill -HUP $MAINPID'; do
    case "$d" in *[=:]) grep -q -F -- "$d" "$UNIT" && grep -q "^${d%%=*}=" "$UNIT" ;; *) grep -q -x -F -- "$d" "$UNIT" ;; esac
    if [ $? -eq 0 ]; then ok
    else bad "unit lacks '$d'"; fi
done
# the system call filter must keep setrlimit (avskey fails closed without it)
if grep -q '^SystemCallFilter=~.*@resources' "$UNIT"; then bad "SystemCallFilter denies @resources (setrlimit)"; else ok; fi

# ---- exposure score
systemd-analyze security --offline=true --no-pager "$UNIT" >"$T/sec" 2>&1
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p' "$T/sec")
echo "systemd-analyze security: exposure $score (must be < $MAX_EXPOSURE)"
if [ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN{exit !(s < m)}'; then ok
else bad "exposure '$score' not below $MAX_EXPOSURE"; sed 's/^/  /' "$T/sec" >&2; fi
# the score tells a bare unit from this one
grep -v -E '^(Protect|Private|Restrict|Capability|Ambient|NoNew|SystemCall|Memory|Lock|UMask|DevicePolicy|ProcSubset|RemoveIPC|KeyringMode|SecureBits|IPAddress)' "$UNIT" >"$T/bare.service"
bare=$(systemd-analyze security --offline=true --no-pager "$T/bare.service" 2>&1 |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
if [ -n "$bare" ] && awk -v s="$bare" 'BEGIN{exit !(s >= 5.0)}'; then ok; else bad "bare unit scored '$bare'"; fi

# ---- the ExecStart line as systemd would run it
for o in $(sed -n '/^ExecStart=/,/^[^ ]/p' "$UNIT" | grep -o -- '--[a-z-]*' | sort -u); do
    h=$o; [ "$o" = --password-credential ] && h=-fd/-credential   # listed as --password-file/-env/-fd/-credential
    if "$AVSKEY" serve --help | grep -q -- "$h"; then ok; else bad "ExecStart option $o not in serve --help"; fi
done
mkdir -m 700 "$T/etc" "$T/etc/keys" "$T/state" "$T/creds"
cp "$FIX/web3signer/keyfile.json" "$T/etc/keys/w3s.ecdsa.key.json"
chmod 600 "$T/etc/keys/w3s.ecdsa.key.json"
printf 'password\n' >"$T/creds/avskey-passphrase"
python3 - "$UNIT" "$AVSKEY" "$T" "$TOP/deploy/avskey.env.example" <<'PY' && ok || bad "simulated systemd start"
import os, re, shlex, signal, socket, subprocess, sys, time
unit, avskey, T, envfile = sys.argv[1:5]
text = open(unit).read().replace("\\\n", " ")
cmd = re.search(r"^ExecStart=(.*)$", text, re.M).group(1)
env = {"CONFIGURATION_DIRECTORY": f"{T}/etc", "STATE_DIRECTORY": f"{T}/state",
       "CREDENTIALS_DIRECTORY": f"{T}/creds", "NOTIFY_SOCKET": f"{T}/notify.sock", "PATH": "/usr/bin:/bin"}
for line in open(envfile):
    m = re.match(r"^([A-Z_]+)=(.*)$", line.strip())
    if m: env[m.group(1)] = m.group(2)
env["AVSKEY_HTTP_LISTEN"] = "127.0.0.1:0"
# systemd: ${VAR} is one word, $VAR is split on whitespace
words = []
for w in shlex.split(cmd):
    if re.fullmatch(r"\$[A-Z_]+", w):
        words += env.get(w[1:], "").split()
    else:
        words.append(re.sub(r"\$\{([A-Z_]+)\}", lambda m: env[m.group(1)], w))
words[0] = avskey
ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); ns.bind(env["NOTIFY_SOCKET"]); ns.settimeout(60)
p = subprocess.Popen(words, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
fails = 0
def check(c, what):
    global fails
    if not c: fails += 1; print("FAIL:", what, file=sys.stderr)
try:
    check(ns.recv(100) == b"READY=1", "READY=1")
    p.send_signal(signal.SIGHUP); time.sleep(0.5)
    check(p.poll() is None, "alive after SIGHUP (ExecReload)")
    p.send_signal(signal.SIGTERM)
    check(ns.recv(100) == b"STOPPING=1", "STOPPING=1")
    out, err = p.communicate(timeout=30)
    check(p.returncode == 0, f"exit 0 after SIGTERM (got {p.returncode}): {err[-500:]!r}")
    check(b'"event":"reload' in err or b"reload" in err, "reload logged")
    check(os.path.exists(f"{T}/state/audit.log"), "audit log in STATE_DIRECTORY")
finally:
    if p.poll() is None: p.kill()
sys.exit(1 if fails else 0)
PY
finish
