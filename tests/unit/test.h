/* A tiny named-test framework: one binary, tests selectable by name.
 *   TEST(name) { CHECK(cond); CHECK_EQ_HEX(buf, "00ff", len); }
 * Run: unit_tests --list | unit_tests NAME... | unit_tests (all). */
#ifndef AVSKEY_TEST_H
#define AVSKEY_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef void (*avskey_test_fn)(void);
void avskey_test_register(const char *name, avskey_test_fn fn);
extern int avskey_test_failures;
/* Absolute path of ../shared/fixtures (env AVSKEY_FIXTURES or derived). */
const char *avskey_test_fixture(const char *rel);
/* A fresh private temporary folder for this test (removed at exit). */
const char *avskey_test_tmpdir(void);
/* Compares len bytes of buf with a hex string; reports on mismatch. */
int avskey_test_hex_eq(const char *file, int line, const uint8_t *buf, size_t len, const char *hex);

#define TEST(name)                                                         \
    static void test_##name(void);                                         \
    __attribute__((constructor)) static void register_##name(void)         \
    {                                                                      \
        avskey_test_register(#name, test_##name);                          \
    }                                                                      \
    static void test_##name(void)

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,         \
                    __LINE__, #cond);                                      \
            avskey_test_failures++;                                        \
        }                                                                  \
    } while (0)

#define CHECK_STR(a, b)                                                    \
    do {                                                                   \
        const char *a_ = (a), *b_ = (b);                                   \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                           \
            fprintf(stderr, "%s:%d: CHECK_STR failed: \"%s\" != \"%s\"\n", \
                    __FILE__, __LINE__, a_ ? a_ : "(null)",                \
                    b_ ? b_ : "(null)");                                   \
            avskey_test_failures++;                                        \
        }                                                                  \
    } while (0)

#define CHECK_HEX(buf, len, hex)                                           \
    avskey_test_hex_eq(__FILE__, __LINE__, (buf), (len), (hex))

#endif
