/* Benchmark cases for `avskey bench`. Each case runs its operation n times;
 * the driver picks n so a case runs about 0.3 s (or its own iters). */
#ifndef AVSKEY_BENCH_H
#define AVSKEY_BENCH_H

#include <stdint.h>

typedef struct avskey_bench_case {
    const char *op;                      /* "bn254_g1_mul" */
    void *(*setup)(void);                /* state, or NULL; may be NULL */
    void (*run)(void *state, uint64_t n);
    void (*teardown)(void *state);       /* may be NULL */
    uint64_t fixed_iters;                /* 0: calibrate; else run exactly this many */
} avskey_bench_case;

/* Tables terminated by an entry with op == NULL. */
extern const avskey_bench_case avskey_bench_core[];   /* src/cli/bench.c */
extern const avskey_bench_case avskey_bench_bn254[];  /* src/cli/bench_bn254.c */

#endif
