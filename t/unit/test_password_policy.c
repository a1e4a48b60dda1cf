/* password_policy.c: length in code points, controls, username, blocklist
 * (docs/security-model.md T-52). */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>

#include "authsvc_password_policy.h"
#include "unit.h"

#define EMOJI "\xF0\x9F\x98\x80" /* U+1F600, four bytes, one code point */
#define TOO_SHORT "Password must be at least 8 characters"
#define TOO_LONG "Password must be at most 256 characters"

static apr_pool_t *pool;
static apr_hash_t *shipped; /* conf/password-blocklist.txt */

static int suite_init(void)
{
    const char *why = NULL;

    if (apr_pool_create(&pool, authsvc_test_pool()) != APR_SUCCESS) {
        return 1;
    }
    return authsvc_password_blocklist_load(pool,
                                           AUTHSVC_SOURCE_DIR "/conf/password-blocklist.txt",
                                           &shipped, &why)
                   == AUTHSVC_OK
               ? 0
               : 1;
}

static int suite_clean(void)
{
    apr_pool_destroy(pool);
    return 0;
}

/* text repeated n times. */
static const char *repeat(const char *text, int n)
{
    char *out = apr_pcalloc(pool, strlen(text) * (apr_size_t)n + 1);
    int i;

    for (i = 0; i < n; i++) {
        strcat(out, text);
    }
    return out;
}

/* The reason the policy gives, or NULL when it accepts. */
static const char *refusal(const authsvc_password_policy_t *policy, const char *username,
                           const char *password, apr_size_t len)
{
    const char *why = "unset";
    authsvc_status_t st = authsvc_password_policy_check(policy, username, password, len, &why);

    CU_ASSERT_EQUAL(st == AUTHSVC_OK, why == NULL);
    return st == AUTHSVC_OK ? NULL : why;
}

static const char *refusal_of(const char *password)
{
    return refusal(NULL, "alice", password, strlen(password));
}

static void test_length_bounds_in_code_points(void)
{
    CU_ASSERT_STRING_EQUAL(refusal_of("abcdefg"), TOO_SHORT);
    CU_ASSERT_PTR_NULL(refusal_of("abcdefgh"));
    CU_ASSERT_PTR_NULL(refusal_of("abcdefghijklmno")); /* 15 */
    CU_ASSERT_PTR_NULL(refusal_of(repeat("k", 64)));
    CU_ASSERT_PTR_NULL(refusal_of(repeat("k", 256)));
    CU_ASSERT_STRING_EQUAL(refusal_of(repeat("k", 257)), TOO_LONG);
    CU_ASSERT_STRING_EQUAL(refusal_of(""), TOO_SHORT);
}

static void test_emoji_count_as_one_character_each(void)
{
    CU_ASSERT_STRING_EQUAL(refusal_of(repeat(EMOJI, 7)), TOO_SHORT);
    CU_ASSERT_PTR_NULL(refusal_of(repeat(EMOJI, 8)));
    CU_ASSERT_PTR_NULL(refusal_of(repeat(EMOJI, 256))); /* 1024 bytes */
    CU_ASSERT_STRING_EQUAL(refusal_of(repeat(EMOJI, 257)), TOO_LONG);
    CU_ASSERT_PTR_NULL(refusal_of(repeat("\xC3\xA9", 8))); /* eight "é", sixteen bytes */
}

static void test_no_composition_rules(void)
{
    CU_ASSERT_PTR_NULL(refusal_of("alllowercaseletters"));
    CU_ASSERT_PTR_NULL(refusal_of("8675309314159"));
    CU_ASSERT_PTR_NULL(refusal_of("correct horse battery staple"));
    CU_ASSERT_PTR_NULL(refusal_of("   spaces   "));
}

/* NFC "é" is one code point, NFD "é" two: both are accepted as they are, unnormalised. */
static void test_nfc_and_nfd_are_both_taken_as_sent(void)
{
    CU_ASSERT_PTR_NULL(refusal_of("caf\xC3\xA9-au-lait"));
    CU_ASSERT_PTR_NULL(refusal_of("cafe\xCC\x81-au-lait"));
    CU_ASSERT_STRING_EQUAL(refusal_of("abcdef\xC3\xA9"), TOO_SHORT);
    CU_ASSERT_PTR_NULL(refusal_of("abcdefe\xCC\x81"));
}

static void test_refuses_invalid_utf8_and_controls(void)
{
    const char *utf8 = "Password must be valid UTF-8 text";
    const char *control = "Password must not contain control characters";

    CU_ASSERT_STRING_EQUAL(refusal_of("abcdefgh\xFF"), utf8);
    CU_ASSERT_STRING_EQUAL(refusal_of("abcdefgh\xC0\xAF"), utf8);     /* overlong */
    CU_ASSERT_STRING_EQUAL(refusal_of("abcdefgh\xED\xA0\x80"), utf8); /* surrogate */
    CU_ASSERT_STRING_EQUAL(refusal_of("abcdefgh\xF0\x9F\x98"), utf8); /* cut short */
    CU_ASSERT_STRING_EQUAL(refusal_of("abcd\tefgh"), control);
    CU_ASSERT_STRING_EQUAL(refusal_of("abcdefgh\r\n"), control);
    CU_ASSERT_STRING_EQUAL(refusal_of("abcd\x7F"
                                      "efgh"),
                           control);
    CU_ASSERT_STRING_EQUAL(refusal_of("abcd\xC2\x85"
                                      "efgh"),
                           control); /* U+0085 NEL */
    CU_ASSERT_STRING_EQUAL(refusal(NULL, NULL, "abcd\0efgh", 9), control);
    CU_ASSERT_PTR_NULL(refusal_of("abcd\xC2\xA0"
                                  "efgh")); /* U+00A0 is not a control */
    CU_ASSERT_STRING_EQUAL(refusal(NULL, NULL, NULL, 0), "Password is required");
}

static void test_refuses_the_username_ignoring_case(void)
{
    const char *same = "Password must not be the same as the username";

    CU_ASSERT_STRING_EQUAL(refusal(NULL, "alice.smith", "alice.smith", 11), same);
    CU_ASSERT_STRING_EQUAL(refusal(NULL, "alice.smith", "ALICE.Smith", 11), same);
    CU_ASSERT_STRING_EQUAL(refusal(NULL, "alice.smith", " alice.smith ", 13), same);
    CU_ASSERT_PTR_NULL(refusal(NULL, "alice.smith", "alice.smith2", 12));
    CU_ASSERT_PTR_NULL(refusal(NULL, NULL, "alice.smith", 11));
}

static void test_refuses_blocklisted_ignoring_case(void)
{
    authsvc_password_policy_t policy;
    const char *common = "Password is too common; choose one that is harder to guess";

    CU_ASSERT_EQUAL_FATAL(authsvc_password_policy_init(pool, &policy, 8, shipped), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(refusal(&policy, "bob", "password", 8), common);
    CU_ASSERT_STRING_EQUAL(refusal(&policy, "bob", "PassWord123", 11), common);
    CU_ASSERT_STRING_EQUAL(refusal(&policy, "bob", "12345678", 8), common);
    CU_ASSERT_STRING_EQUAL(refusal(&policy, "bob", "qwertyuiop ", 11), common);
    CU_ASSERT_PTR_NULL(refusal(&policy, "bob", "password-of-my-own", 18));
    CU_ASSERT_PTR_NULL(refusal(NULL, "bob", "password", 8)); /* no list, no refusal */
}

static void test_configured_minimum(void)
{
    authsvc_password_policy_t policy;

    CU_ASSERT_EQUAL(authsvc_password_policy_init(pool, &policy, 7, NULL), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL(authsvc_password_policy_init(pool, &policy, 257, NULL), AUTHSVC_INVALID);
    CU_ASSERT_EQUAL_FATAL(authsvc_password_policy_init(pool, &policy, 12, NULL), AUTHSVC_OK);
    CU_ASSERT_STRING_EQUAL(refusal(&policy, NULL, "abcdefghijk", 11),
                           "Password must be at least 12 characters");
    CU_ASSERT_PTR_NULL(refusal(&policy, NULL, "abcdefghijkl", 12));
    policy.min_length = 3; /* a minimum under the floor counts as the floor */
    policy.too_short = NULL;
    CU_ASSERT_STRING_EQUAL(refusal(&policy, NULL, "abcdefg", 7), TOO_SHORT);
}

/* Writes text to a fresh file and loads it as a blocklist. */
static authsvc_status_t load_text(const char *text, apr_hash_t **list, const char **why)
{
    char *path = apr_pstrdup(pool, "/tmp/authsvc-blocklist-XXXXXX");
    apr_file_t *file;
    apr_size_t len = strlen(text);
    authsvc_status_t st;

    CU_ASSERT_EQUAL_FATAL(apr_file_mktemp(&file, path,
                                          APR_FOPEN_CREATE | APR_FOPEN_READ | APR_FOPEN_WRITE
                                              | APR_FOPEN_EXCL,
                                          pool),
                          APR_SUCCESS);
    CU_ASSERT_EQUAL_FATAL(apr_file_write_full(file, text, len, NULL), APR_SUCCESS);
    apr_file_close(file);
    st = authsvc_password_blocklist_load(pool, path, list, why);
    apr_file_remove(path, pool);
    return st;
}

static int listed(apr_hash_t *list, const char *entry)
{
    return apr_hash_get(list, entry, APR_HASH_KEY_STRING) != NULL;
}

static void test_blocklist_file_format(void)
{
    apr_hash_t *list = NULL;
    const char *why = "unset";

    CU_ASSERT_EQUAL_FATAL(load_text("\xEF\xBB\xBF"
                                    "first-line\n"
                                    "# a comment\n"
                                    "   # an indented comment\n"
                                    "\n"
                                    "  Trimmed Entry \t\r\n"
                                    "crlf-line\r\n"
                                    "hash#inside\n"
                                    "MIXEDcase\n"
                                    "mixedcase\n"
                                    "last-without-newline",
                                    &list, &why),
                          AUTHSVC_OK);
    CU_ASSERT_PTR_NULL(why);
    CU_ASSERT_EQUAL(apr_hash_count(list), 6u);
    CU_ASSERT_TRUE(listed(list, "first-line"));
    CU_ASSERT_TRUE(listed(list, "trimmed entry"));
    CU_ASSERT_TRUE(listed(list, "crlf-line"));
    CU_ASSERT_TRUE(listed(list, "hash#inside"));
    CU_ASSERT_TRUE(listed(list, "mixedcase"));
    CU_ASSERT_TRUE(listed(list, "last-without-newline"));
    CU_ASSERT_FALSE(listed(list, "# a comment"));
}

static void test_blocklist_errors_name_file_and_line(void)
{
    apr_hash_t *list = apr_hash_make(pool);
    const char *why = NULL;
    const char *text = apr_pstrcat(pool, "ok-entry\n", repeat("x", 1025), "\n", NULL);

    CU_ASSERT_EQUAL(load_text(text, &list, &why), AUTHSVC_INVALID);
    CU_ASSERT_PTR_NULL(list);
    CU_ASSERT_PTR_NOT_NULL_FATAL(why);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "line 2: longer than 1024 bytes"));
    CU_ASSERT_EQUAL(load_text(apr_pstrcat(pool, repeat("y", 1024), "\n", NULL), &list, &why),
                    AUTHSVC_OK);
    CU_ASSERT_EQUAL(authsvc_password_blocklist_load(pool, "/nonexistent/blocklist.txt", &list,
                                                    &why),
                    AUTHSVC_NOT_FOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "/nonexistent/blocklist.txt"));
}

/* Every entry of the shipped list is one the policy would otherwise accept: at least 8
 * characters, so the list is not padded with entries the length rule already refuses. */
static void test_shipped_blocklist_has_only_reachable_entries(void)
{
    apr_hash_index_t *hi;
    unsigned refused_for_other_reasons = 0;

    CU_ASSERT_TRUE(apr_hash_count(shipped) >= 300u);
    for (hi = apr_hash_first(pool, shipped); hi; hi = apr_hash_next(hi)) {
        const char *entry = apr_hash_this_key(hi);

        if (refusal(NULL, NULL, entry, strlen(entry)) != NULL) {
            refused_for_other_reasons++;
        }
    }
    CU_ASSERT_EQUAL(refused_for_other_reasons, 0u);
}

void authsvc_test_register_password_policy(void)
{
    CU_pSuite s = CU_add_suite("password_policy", suite_init, suite_clean);

    CU_add_test(s, "length is 8 to 256 code points", test_length_bounds_in_code_points);
    CU_add_test(s, "emoji count as one character each", test_emoji_count_as_one_character_each);
    CU_add_test(s, "no composition rules", test_no_composition_rules);
    CU_add_test(s, "NFC and NFD are both taken as sent",
                test_nfc_and_nfd_are_both_taken_as_sent);
    CU_add_test(s, "invalid UTF-8 and control characters are refused",
                test_refuses_invalid_utf8_and_controls);
    CU_add_test(s, "the username is refused, ignoring case",
                test_refuses_the_username_ignoring_case);
    CU_add_test(s, "blocklisted passwords are refused, ignoring case",
                test_refuses_blocklisted_ignoring_case);
    CU_add_test(s, "the minimum is configurable, never under 8", test_configured_minimum);
    CU_add_test(s, "blocklist file format", test_blocklist_file_format);
    CU_add_test(s, "blocklist errors name the file and line",
                test_blocklist_errors_name_file_and_line);
    CU_add_test(s, "shipped blocklist has only reachable entries",
                test_shipped_blocklist_has_only_reachable_entries);
}
