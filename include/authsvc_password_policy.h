/* The password policy (NIST SP 800-63B-4 §3.1.1.2, ASVS 5 §6.2): a length in Unicode code
 * points, no composition rules, not the username, not on a blocklist of common passwords.
 * No request_rec, no database: a pure layer. The reasons it gives are safe to show to the
 * client. */
#ifndef AUTHSVC_PASSWORD_POLICY_H
#define AUTHSVC_PASSWORD_POLICY_H

#include <apr_hash.h>
#include <apr_pools.h>
#include "authsvc_status.h"

/* Length in code points: the configurable minimum never goes under the floor (which is
 * also the default); the maximum is fixed. 256 code points are at most 1024 bytes. */
#define AUTHSVC_PASSWORD_POLICY_MIN_LENGTH 8u
#define AUTHSVC_PASSWORD_POLICY_MAX_LENGTH 256u
#define AUTHSVC_PASSWORD_POLICY_MAX_BYTES (4u * AUTHSVC_PASSWORD_POLICY_MAX_LENGTH)

/* The blocklist file: longest line read, most entries kept. */
#define AUTHSVC_PASSWORD_BLOCKLIST_LINE_MAX 1024u
#define AUTHSVC_PASSWORD_BLOCKLIST_ENTRIES_MAX 1000000u

typedef struct {
    unsigned
        min_length; /* code points; under AUTHSVC_PASSWORD_POLICY_MIN_LENGTH counts as it */
    apr_hash_t *blocklist; /* from authsvc_password_blocklist_load; NULL: none */
    const char *too_short; /* the reason naming min_length, made by init */
} authsvc_password_policy_t;

/* Fills policy (read-only afterwards; check may run in many threads at once).
 * AUTHSVC_INVALID when min_length is under AUTHSVC_PASSWORD_POLICY_MIN_LENGTH or over
 * AUTHSVC_PASSWORD_POLICY_MAX_LENGTH. */
authsvc_status_t authsvc_password_policy_init(apr_pool_t *p, authsvc_password_policy_t *policy,
                                              unsigned min_length, apr_hash_t *blocklist);

/* AUTHSVC_OK when password[0..len) may be set, else AUTHSVC_INVALID with *why a sentence
 * for the client ("Password must be at least 8 characters"). policy NULL: the defaults
 * without a blocklist; username NULL: not compared.
 *
 * Passwords are UTF-8 compared byte for byte, never normalised: NFC "é" (U+00E9) and NFD
 * "é" (U+0065 U+0301) are different passwords, and the NFD one is a code point longer.
 * Normalising would need ICU in the module and would have to match whatever each client
 * sends forever; the browsers and apps we serve send what the user typed on the same
 * keyboard, and a stored hash keeps working only if the bytes stay the same. Invalid UTF-8
 * and control characters (C0, DEL, C1) are refused; spaces and every other character are
 * allowed. The username and blocklist comparisons fold ASCII letters only and ignore
 * leading and trailing spaces and tabs. */
authsvc_status_t authsvc_password_policy_check(const authsvc_password_policy_t *policy,
                                               const char *username, const char *password,
                                               apr_size_t len, const char **why);

/* Reads a blocklist file into *list (in p): one password per line, leading and trailing
 * spaces, tabs and CR trimmed, ASCII letters folded to lower case, empty lines and lines
 * starting with '#' skipped (a '#' later in a line is part of the password). On failure
 * AUTHSVC_INVALID (or AUTHSVC_NOT_FOUND when the file cannot be opened) with *why a
 * sentence for the error log that names the file and line. For config time. */
authsvc_status_t authsvc_password_blocklist_load(apr_pool_t *p, const char *path,
                                                 apr_hash_t **list, const char **why);

#endif
