/* BN254 benchmark cases (filled in with the BN254 module). */
#include "bench.h"

#include <stddef.h>

const avskey_bench_case avskey_bench_bn254[] = {
    {NULL, NULL, NULL, NULL, 0},
};
