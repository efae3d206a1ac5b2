#include "cli.h"
#define STUB(f) int f(int argc, char **argv) { (void)argc; (void)argv; return avskey_cli_usage("not implemented yet"); }
STUB(avskey_cmd_keys_create)
STUB(avskey_cmd_keys_import)
STUB(avskey_cmd_keys_list)
STUB(avskey_cmd_keys_show)
STUB(avskey_cmd_keys_export)
STUB(avskey_cmd_keys_passwd)
STUB(avskey_cmd_sign_ecdsa)
STUB(avskey_cmd_sign_bls)
STUB(avskey_cmd_verify_bls)
STUB(avskey_cmd_bench)
