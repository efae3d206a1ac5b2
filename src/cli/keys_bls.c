/* BLS public data for list/show (completed with the BN254 module). */
#include "keyref.h"

avskey_err avskey_bls_fields(avskey_fields *fs, const avskey_keyref *ref, const uint8_t *sk)
{
    (void)sk;
    avskey_fields_add(fs, "pubkey", ref->kf.pubkey);
    return AVSKEY_OK;
}

avskey_err avskey_cli_bls_pubkey_text(char *out, size_t cap, const uint8_t sk[32])
{
    (void)out; (void)cap; (void)sk;
    return avskey_fail(AVSKEY_ERR_USAGE, "BLS keys need the BN254 module (not in this build yet)");
}

int avskey_cli_bls_sk_valid(const uint8_t sk[32]) { (void)sk; return 1; }

int avskey_cli_bls_sk_from_text(uint8_t sk[32], const char *text) { (void)sk; (void)text; return 0; }
