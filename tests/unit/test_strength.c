/* eigenlayer-cli's strength rule: go-password-validator v0.3.0.
 * Expected values come from that package's tests (base_test.go,
 * length_test.go, entropy_test.go, validate_test.go at tag v0.3.0,
 * github.com/wagslane/go-password-validator); base and length are
 * observed through the entropy: entropy = length * log2(base). */
#include "test.h"

#include "avskey/passphrase.h"

static double ent(const char *s) { return avskey_password_entropy(s, strlen(s)); }

/* log2 of the bases used here (Python math.log2; no libm in the link). */
static double lg2(int base)
{
    switch (base) {
    case 1: return 0.0;
    case 3: return 1.584962500721156;
    case 5: return 2.321928094887362;
    case 10: return 3.321928094887362;
    case 11: return 3.4594316186372973;
    case 22: return 4.459431618637297;
    case 26: return 4.700439718141092;
    case 27: return 4.754887502163468;
    case 32: return 5.0;
    case 36: return 5.169925001442312;
    case 52: return 5.700439718141092;
    case 84: return 6.392317422778761;
    default: fprintf(stderr, "no log2 for %d\n", base); abort();
    }
}

static double dabs(double x) { return x < 0 ? -x : x; }

/* |got - want| tiny, where want = length * log2(base). */
static int ent_is(const char *s, int base, double length)
{
    double want = length * lg2(base), got = ent(s);
    if (dabs(got - want) <= 1e-9 * (want + 1)) return 1;
    fprintf(stderr, "  entropy(\"%s\") = %.15g, want %g * log2(%d) = %.15g\n", s, got,
            length, base, want);
    return 0;
}

TEST(strength_base_upstream)
{
    /* base_test.go TestGetBase: abcd 26, abcdA 52, A 26, ^_ 22+5, ^ 22,
     * ! 5, 123 10, 123ü 10+1. length follows length.go: a run of three
     * from a sequence loses its third character ("123" -> "12"), and the
     * length is in UTF-8 bytes (ü = 2). */
    CHECK(ent_is("A", 26, 1));
    CHECK(ent_is("^_", 22 + 5, 2));
    CHECK(ent_is("^", 22, 1));
    CHECK(ent_is("!", 5, 1));
    CHECK(ent_is("123", 10, 2));
    CHECK(ent_is("123\xc3\xbc", 11, 4));  /* "12" + ü (2 bytes) */
    CHECK(ent_is("abcd", 26, 2));           /* "ab" */
    CHECK(ent_is("abcdA", 52, 3));          /* "abA" */
}

TEST(strength_length_upstream)
{
    /* length_test.go TestGetLength (base from the pools of each string) */
    CHECK(ent_is("aaaa", 26, 2));
    CHECK(ent_is("11112222", 10, 4));
    CHECK(ent_is("aa123456", 36, 4));
    CHECK(ent_is("876543", 10, 2));
    CHECK(ent_is("qwerty123456z", 36, 5));
    /* TestRemoveRepeatingChars: "aaaa"->"aa", "bbbbbbbaaaaaaaaa"->"bbaa",
     * "ab"->"ab", ""->"" (no sequence removal applies to these) */
    CHECK(ent_is("bbbbbbbaaaaaaaaa", 26, 4));
    CHECK(ent_is("ab", 26, 2));
    CHECK(ent("") == 0.0);
    /* TestRemoveMoreThanTwoFromSequence: "12345678" -> "12";
     * "abcqwertyabc" (qwerty pass) -> "abcqwabc"; getLength then runs the
     * a..z pass, which cuts the first "abc" to "ab" and, because the loop
     * skips ahead after a match, keeps the last one: "abqwabc" = 7 */
    CHECK(ent_is("12345678", 10, 2));
    CHECK(ent_is("abcqwertyabc", 26, 7));
}

TEST(strength_logpow_upstream)
{
    /* entropy_test.go TestLogPow checks round(logPow(b, n, 2)) ==
     * round(log2(b^n)) for (7,8), (10,11), (11,17). Bases 7 and 11 are not
     * reachable from a password; 10 is (digits): 11 digits with no run or
     * sequence: round = 37. */
    double e = ent("19283746501");
    /* log2(10^11) = 36.541209043760986 (Python), rounds to 37 */
    CHECK(e >= 36.5 && e < 37.5);
    CHECK(dabs(e - 36.541209043760986) < 1e-9);
}

TEST(strength_validate_upstream)
{
    /* validate_test.go: Validate("mypass", 50) fails, ("MYPASS", 50)
     * fails, ("mypassword", 4) passes, ("aGoo0dMi#oFChaR2", 80) passes. */
    CHECK(ent("mypass") < 50);
    CHECK(ent("MYPASS") < 50);
    CHECK(ent("mypassword") >= 4);
    CHECK(ent("aGoo0dMi#oFChaR2") >= 80);
    /* aGoo0dMi#oFChaR2: pools lower+upper+digits+other = 84, 16 bytes */
    CHECK(ent_is("aGoo0dMi#oFChaR2", 84, 16));
}

TEST(strength_go_details)
{
    /* the backtick is in no pool (Go raw strings cannot hold it): +1 */
    CHECK(ent_is("a`", 27, 2));
    /* distinct non-pool runes count once each; length counts bytes */
    CHECK(ent_is("\xc3\xbc\xc3\xbc", 1, 4));           /* üü: base 1 -> 0 bits */
    CHECK(ent_is("\xc3\xa4\xc3\xb6\xc3\xbc", 3, 6));   /* äöü */
    CHECK(ent_is("\xe2\x82\xac" "a", 27, 4));          /* € (3 bytes) + a */
    CHECK(ent_is("\xf0\x9f\x94\x91x", 27, 5));         /* U+1F511 (4 bytes) + x */
    /* an invalid byte is U+FFFD: one distinct rune, 3 bytes in length */
    CHECK(ent_is("\xff" "a", 27, 4));
    CHECK(ent_is("\xff\xfe" "a", 27, 7));
    /* truncated and overlong sequences decode as U+FFFD per byte */
    CHECK(ent_is("\xe2\x82" "a", 27, 7));
    CHECK(ent_is("\xc0\xaf" "a", 27, 7));
    /* surrogates are invalid in Go's decoder: three U+FFFD, the third
     * dropped as a repeat: 3 + 3 + 1 bytes */
    CHECK(ent_is("\xed\xa0\x80" "a", 27, 7));
    /* leading NULs equal the initial "previous" runes and are dropped */
    CHECK(dabs(avskey_password_entropy("\0\0a", 3) - lg2(27)) < 1e-12);
    CHECK(dabs(avskey_password_entropy("a\0\0", 3) - 3 * lg2(27)) < 1e-12);
    /* power-of-two bases are exact: 26 + 5 + 1 = 32 -> 5 bits per byte */
    CHECK(ent("ab!`") == 20.0);
    /* reversed sequences */
    CHECK(ent_is("zyxw", 26, 2));
    CHECK(ent_is("poiu", 26, 2));
}

TEST(strength_threshold)
{
    avskey_pw pw;
    char weak[] = "correcthorse";
    pw.buf = weak;
    pw.len = strlen(weak);
    CHECK(avskey_passphrase_check_strength(&pw) == AVSKEY_ERR_WEAK);
    CHECK(strstr(avskey_errmsg(), "need 70") != NULL);
    CHECK(strstr(avskey_errmsg(), "--insecure") != NULL);
    CHECK(strstr(avskey_errmsg(), weak) == NULL);
    char strong[] = "Correct-Horse-Battery-9";
    pw.buf = strong;
    pw.len = strlen(strong);
    CHECK(avskey_passphrase_check_strength(&pw) == AVSKEY_OK);
    avskey_pw empty = {NULL, 0};
    CHECK(avskey_passphrase_check_strength(&empty) == AVSKEY_ERR_WEAK);
    /* exactly 70 passes (>=): 14 bytes of base 32 = 70.0 */
    char edge[] = "ab!`ab!`ab!`ab";
    pw.buf = edge;
    pw.len = strlen(edge);
    CHECK(avskey_password_entropy(edge, pw.len) == 70.0);
    CHECK(avskey_passphrase_check_strength(&pw) == AVSKEY_OK);
    pw.len = 13;
    CHECK(avskey_passphrase_check_strength(&pw) == AVSKEY_ERR_WEAK);
}
