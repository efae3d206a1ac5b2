#!/bin/sh
# build/libavskey.so exports only avskey_* symbols (src/avskey.map), among
# them the whole signer API; build/avskey.pc is usable by pkg-config.
. "$(dirname "$0")/lib.sh"
SO=$TOP/build/libavskey.so
[ -e "$SO" ] || { bad "$SO missing (make)"; finish; exit 1; }
nm -D --defined-only "$SO" | awk 'NF >= 3 {print $3}' > "$T/syms"
other=$(grep -v '^avskey_' "$T/syms")
[ -z "$other" ] && ok || bad "symbols outside avskey_: $other"
[ "$(wc -l < "$T/syms")" -gt 50 ] && ok || bad "too few exported symbols"
for f in open close options_init public_keys sign_digest sign_data sign_transaction sign_typed_data \
         sign_message sign_g1_point kind_of_uri set_timeout; do
    grep -qx "avskey_signer_$f" "$T/syms" && ok || bad "avskey_signer_$f not exported"
done
grep -qx avskey_errmsg "$T/syms" && ok || bad "avskey_errmsg not exported"
readelf -d "$SO" | grep -q 'SONAME.*libavskey.so.0' && ok || bad "soname"
PKG_CONFIG_PATH=$TOP/build pkg-config --exists avskey && ok || bad "pkg-config avskey"
PKG_CONFIG_PATH=$TOP/build pkg-config --libs avskey | grep -q -- '-lavskey' && ok || bad "pkg-config --libs"
echo "exported: $(wc -l < "$T/syms") symbols, all avskey_*"
finish
