#include "cli.h"
#define STUB(f) int f(int argc, char **argv) { (void)argc; (void)argv; return avskey_cli_usage("not implemented yet"); }
STUB(avskey_cmd_sign_bls)
STUB(avskey_cmd_verify_bls)
