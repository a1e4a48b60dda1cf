/* Every size limit of mod_authsvc, named in one place. */
#ifndef AUTHSVC_LIMITS_H
#define AUTHSVC_LIMITS_H

/* Request bodies: default and the ceiling a directive may raise it to. */
#define AUTHSVC_BODY_LIMIT_DEFAULT (64 * 1024)
#define AUTHSVC_BODY_LIMIT_MAX (1024 * 1024)

/* JSON: nesting depth and members per object accepted from clients. */
#define AUTHSVC_JSON_DEPTH_MAX 32
#define AUTHSVC_JSON_MEMBERS_MAX 1024

/* Routing: path length, captures per template, query parameters. */
#define AUTHSVC_PATH_LENGTH_MAX 2048
#define AUTHSVC_PATH_CAPTURES_MAX 4
#define AUTHSVC_QUERY_PARAMS_MAX 64
#define AUTHSVC_QUERY_LENGTH_MAX 16384

/* Strings in bodies whose schema names no maxLength. */
#define AUTHSVC_FIELD_LENGTH_DEFAULT 4096

/* 422 answers list at most this many problems. */
#define AUTHSVC_VALIDATION_DETAILS_MAX 16

/* Names, secrets and identifiers stored by the admin CLI. */
#define AUTHSVC_NAME_LENGTH_MAX 255
#define AUTHSVC_PASSWORD_LENGTH_MAX 256
#define AUTHSVC_URL_LENGTH_MAX 2048
/* An external identity's subject (a "sub" claim, a SAML NameID) given to the CLI. */
#define AUTHSVC_SUBJECT_LENGTH_MAX 1024

/* Token lifetimes (seconds): defaults and hard caps. */
#define AUTHSVC_ACCESS_TTL_DEFAULT 900
#define AUTHSVC_REFRESH_TTL_DEFAULT 86400
#define AUTHSVC_AUTH_CODE_TTL_DEFAULT 60
#define AUTHSVC_AUTH_CODE_TTL_MAX 600
#define AUTHSVC_ACCESS_TTL_MAX 86400
#define AUTHSVC_REFRESH_TTL_MAX (90 * 86400)
#define AUTHSVC_FAMILY_TTL_DEFAULT (30 * 86400)
#define AUTHSVC_LEEWAY_DEFAULT 60
#define AUTHSVC_LEEWAY_MAX 300

/* Secrets handed to clients: auth codes and refresh tokens, in random bytes. */
#define AUTHSVC_AUTH_CODE_BYTES 32
#define AUTHSVC_REFRESH_TOKEN_BYTES 32

/* Brute-force regulation (Keycloak's model): FAILURES wrong passwords for one username
 * lock it for WAIT seconds, each further failure doubles the wait up to MAX_WAIT; the
 * count starts again after a success or a quiet period. Per client IP, FAILURES in a
 * WINDOW of seconds answer 429 until the window ends. */
#define AUTHSVC_LOCKOUT_FAILURES_DEFAULT 5
#define AUTHSVC_LOCKOUT_WAIT_DEFAULT 60
#define AUTHSVC_LOCKOUT_MAX_WAIT_DEFAULT 900
#define AUTHSVC_LOCKOUT_QUIET_PERIOD (12 * 3600)
#define AUTHSVC_IP_FAILURES_DEFAULT 50
#define AUTHSVC_IP_WINDOW_DEFAULT 300
#define AUTHSVC_LIMIT_FAILURES_MAX 100000
#define AUTHSVC_LIMIT_SECONDS_MAX 86400
/* Known sources: an address from which a user logged in successfully, or a browser with
 * the login page's device cookie, stays known this long (seconds) after the success; the
 * time of a known address is written again at most once per refresh interval. */
#define AUTHSVC_KNOWN_SOURCE_MAX_AGE (30 * 86400)
#define AUTHSVC_KNOWN_SOURCE_REFRESH 3600
/* Bytes of a username as typed that a refused login's log line shows. */
#define AUTHSVC_LOG_USERNAME_MAX 128

/* E-mailed one-time codes: lifetime, attempts per code, sends per user and window. */
#define AUTHSVC_OTP_TTL_DEFAULT 600
#define AUTHSVC_OTP_TTL_MAX 3600
#define AUTHSVC_OTP_ATTEMPTS_MAX 5
#define AUTHSVC_OTP_SENDS_MAX 3
#define AUTHSVC_OTP_SENDS_WINDOW 900

/* Password hashes running at once per httpd child (each argon2id maps m_cost KiB). */
#define AUTHSVC_HASH_CONCURRENCY_DEFAULT 4
/* LoopBack filters of the reporting routes (filter.c, filter_query.c). */
#define AUTHSVC_FILTER_TEXT_MAX 8192         /* bytes of a filter, JSON or bracket form */
#define AUTHSVC_FILTER_DEPTH_MAX 8           /* nesting of and/or */
#define AUTHSVC_FILTER_LIST_MAX 100          /* items of inq, nin, and, or, order */
#define AUTHSVC_FILTER_ARGS_MAX 512          /* values bound by one filter */
#define AUTHSVC_FILTER_VALUE_MAX 1024        /* bytes of one string value */
#define AUTHSVC_FILTER_LIKE_WILDCARDS_MAX 10 /* '%' and '_' in one like pattern */
#define AUTHSVC_FILTER_PAGE_MAX 1000         /* a larger (or no) limit is capped to this */
#define AUTHSVC_FILTER_SKIP_MAX 1000000      /* larger skip/offset: 400 */

/* Active-user reports: longest startDate..endDate span, in days. */
#define AUTHSVC_ACTIVE_USERS_SPAN_DAYS_MAX 732

/* Social login (outbound OAuth 2.0 / OIDC): answers read from a provider, the time one
 * call may take, how long a login may stay at the provider, and how often a child may
 * fetch a provider's JWKS again for an unknown kid. */
#define AUTHSVC_SOCIAL_RESPONSE_BYTES_MAX (256 * 1024)
#define AUTHSVC_SOCIAL_TIMEOUT_DEFAULT 10
#define AUTHSVC_SOCIAL_TIMEOUT_MAX 60
#define AUTHSVC_SOCIAL_STATE_TTL 600
#define AUTHSVC_SOCIAL_STATE_BYTES 32
#define AUTHSVC_SOCIAL_JWKS_REFETCH_MIN 60
#define AUTHSVC_SOCIAL_JWKS_MAX_AGE 3600
#define AUTHSVC_SOCIAL_KEPT_PARAMS_MAX 16

/* Database outages: while a process sees no database, it tries again at most this often
 * (milliseconds); every other request answers 503 at once. */
#define AUTHSVC_DB_RETRY_INTERVAL_MS 1000
/* Retry-After of a 503 whose flow named no other wait. */
#define AUTHSVC_RETRY_AFTER_SECONDS "5"

#endif
