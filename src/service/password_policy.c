/* The password policy: length in code points, no control characters, not the username,
 * not a common password. Why no normalisation: see authsvc_password_policy.h. */
#include <string.h>

#include <apr_file_io.h>
#include <apr_strings.h>
#include <openssl/crypto.h>

#include "authsvc_json.h"
#include "authsvc_password_policy.h"

#define REASON_REQUIRED "Password is required"
#define REASON_UTF8 "Password must be valid UTF-8 text"
#define REASON_CONTROL "Password must not contain control characters"
#define REASON_TOO_SHORT_DEFAULT "Password must be at least 8 characters"
#define REASON_TOO_SHORT "Password is too short"
#define REASON_TOO_LONG "Password must be at most 256 characters"
#define REASON_USERNAME "Password must not be the same as the username"
#define REASON_COMMON "Password is too common; choose one that is harder to guess"

#define UTF8_BOM "\xEF\xBB\xBF"

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Narrows s[0..*len) to its text without leading and trailing blanks. */
static void trim(const char **s, apr_size_t *len)
{
    while (*len > 0 && is_blank((*s)[*len - 1])) {
        (*len)--;
    }
    while (*len > 0 && is_blank(**s)) {
        (*s)++;
        (*len)--;
    }
}

/* Refuses control characters and invalid UTF-8; counts code points into *count. */
static const char *scan(const char *password, apr_size_t len, apr_size_t *count)
{
    const unsigned char *s = (const unsigned char *)password;
    apr_size_t i, n = 0;

    /* C0 and DEL are single bytes in UTF-8 (NUL would otherwise pass for bad UTF-8). */
    for (i = 0; i < len; i++) {
        if (s[i] < 0x20 || s[i] == 0x7F) {
            return REASON_CONTROL;
        }
    }
    if (!authsvc_utf8_valid(password, len)) {
        return REASON_UTF8;
    }
    for (i = 0; i < len; i++) {
        if (s[i] == 0xC2 && i + 1 < len && s[i + 1] <= 0x9F) { /* C1: U+0080..U+009F */
            return REASON_CONTROL;
        }
        if ((s[i] & 0xC0) != 0x80) {
            n++;
        }
    }
    *count = n;
    return NULL;
}

/* Equal after trimming both and folding ASCII letters. */
static int same_ignoring_case(const char *a, apr_size_t alen, const char *b, apr_size_t blen)
{
    apr_size_t i;

    trim(&a, &alen);
    trim(&b, &blen);
    if (alen != blen) {
        return 0;
    }
    for (i = 0; i < alen && ascii_lower(a[i]) == ascii_lower(b[i]); i++) {
    }
    return i == alen;
}

/* The form a password or a blocklist line is looked up in: trimmed, ASCII letters lowered,
 * into out (room for len + 1). Returns its length. */
static apr_size_t fold(char *out, const char *s, apr_size_t len)
{
    apr_size_t i;

    trim(&s, &len);
    for (i = 0; i < len; i++) {
        out[i] = ascii_lower(s[i]);
    }
    out[len] = '\0';
    return len;
}

static int blocklisted(apr_hash_t *list, const char *password, apr_size_t len)
{
    char folded[AUTHSVC_PASSWORD_POLICY_MAX_BYTES + 1];
    apr_size_t n = fold(folded, password, len);
    int found = apr_hash_get(list, folded, (apr_ssize_t)n) != NULL;

    OPENSSL_cleanse(folded, n + 1);
    return found;
}

authsvc_status_t authsvc_password_policy_init(apr_pool_t *p, authsvc_password_policy_t *policy,
                                              unsigned min_length, apr_hash_t *blocklist)
{
    if (min_length < AUTHSVC_PASSWORD_POLICY_MIN_LENGTH
        || min_length > AUTHSVC_PASSWORD_POLICY_MAX_LENGTH) {
        return AUTHSVC_INVALID;
    }
    policy->min_length = min_length;
    policy->blocklist = blocklist;
    policy->too_short = apr_psprintf(p, "Password must be at least %u characters", min_length);
    return AUTHSVC_OK;
}

static const char *too_short_reason(const authsvc_password_policy_t *policy, unsigned min)
{
    if (policy != NULL && policy->too_short != NULL) {
        return policy->too_short;
    }
    return min == AUTHSVC_PASSWORD_POLICY_MIN_LENGTH ? REASON_TOO_SHORT_DEFAULT
                                                     : REASON_TOO_SHORT;
}

authsvc_status_t authsvc_password_policy_check(const authsvc_password_policy_t *policy,
                                               const char *username, const char *password,
                                               apr_size_t len, const char **why)
{
    unsigned min = AUTHSVC_PASSWORD_POLICY_MIN_LENGTH;
    apr_size_t count = 0;

    if (policy != NULL && policy->min_length > min) {
        min = policy->min_length;
    }
    if (password == NULL) {
        *why = REASON_REQUIRED;
    } else if (len > AUTHSVC_PASSWORD_POLICY_MAX_BYTES) { /* over 256 however it decodes */
        *why = REASON_TOO_LONG;
    } else {
        *why = scan(password, len, &count);
    }
    if (*why != NULL) {
        return AUTHSVC_INVALID;
    }
    if (count < min) {
        *why = too_short_reason(policy, min);
    } else if (count > AUTHSVC_PASSWORD_POLICY_MAX_LENGTH) {
        *why = REASON_TOO_LONG;
    } else if (username != NULL
               && same_ignoring_case(username, strlen(username), password, len)) {
        *why = REASON_USERNAME;
    } else if (policy != NULL && policy->blocklist != NULL
               && blocklisted(policy->blocklist, password, len)) {
        *why = REASON_COMMON;
    }
    return *why == NULL ? AUTHSVC_OK : AUTHSVC_INVALID;
}

/* Adds one line read by apr_file_gets; NULL, or what is wrong with the line. */
static const char *blocklist_add(apr_pool_t *p, apr_hash_t *list, const char *line, int first)
{
    apr_size_t len = strlen(line);
    char *key;

    if (len > AUTHSVC_PASSWORD_BLOCKLIST_LINE_MAX && line[len - 1] != '\n') {
        return apr_psprintf(p, "longer than %u bytes", AUTHSVC_PASSWORD_BLOCKLIST_LINE_MAX);
    }
    if (first && strncmp(line, UTF8_BOM, 3) == 0) {
        line += 3;
        len -= 3;
    }
    trim(&line, &len);
    if (len == 0 || line[0] == '#') {
        return NULL;
    }
    key = apr_palloc(p, len + 1);
    len = fold(key, line, len);
    if (apr_hash_get(list, key, (apr_ssize_t)len) == NULL) {
        if (apr_hash_count(list) >= AUTHSVC_PASSWORD_BLOCKLIST_ENTRIES_MAX) {
            return apr_psprintf(p, "more than %u entries",
                                AUTHSVC_PASSWORD_BLOCKLIST_ENTRIES_MAX);
        }
        apr_hash_set(list, key, (apr_ssize_t)len, key);
    }
    return NULL;
}

authsvc_status_t authsvc_password_blocklist_load(apr_pool_t *p, const char *path,
                                                 apr_hash_t **list, const char **why)
{
    char line[AUTHSVC_PASSWORD_BLOCKLIST_LINE_MAX + 2]; /* the line, its '\n', a NUL */
    apr_hash_t *entries = apr_hash_make(p);
    apr_file_t *file;
    apr_status_t rv;
    unsigned number = 0;

    *list = NULL;
    *why = NULL;
    rv = apr_file_open(&file, path, APR_FOPEN_READ | APR_FOPEN_BUFFERED, APR_OS_DEFAULT, p);
    if (rv != APR_SUCCESS) {
        *why = apr_psprintf(p, "cannot open the password blocklist %s: %pm", path, &rv);
        return AUTHSVC_NOT_FOUND;
    }
    while (*why == NULL && (rv = apr_file_gets(line, sizeof(line), file)) == APR_SUCCESS) {
        *why = blocklist_add(p, entries, line, ++number == 1);
    }
    apr_file_close(file);
    if (*why == NULL && rv != APR_EOF) {
        *why = apr_psprintf(p, "%pm", &rv);
    }
    if (*why != NULL) {
        *why = apr_psprintf(p, "password blocklist %s, line %u: %s", path, number, *why);
        return AUTHSVC_INVALID;
    }
    *list = entries;
    return AUTHSVC_OK;
}
