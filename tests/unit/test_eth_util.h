/* Helpers shared by the test_eth*.c files. */
#ifndef AVSKEY_TEST_ETH_UTIL_H
#define AVSKEY_TEST_ETH_UTIL_H

#include <jansson.h>
#include <stdint.h>
#include <stddef.h>

/* Loads tests/vectors/eth/NAME from $AVSKEY_TOP (or the cwd). NULL on error
 * (reported as a test failure). */
json_t *eth_test_load_vectors(const char *name);
/* Decodes 0x-hex into a malloc'd buffer (*len); NULL on bad hex. */
uint8_t *eth_test_unhex(const char *hex, size_t *len);
#endif
