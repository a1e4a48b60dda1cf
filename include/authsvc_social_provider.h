/* A social identity provider described as data: what AuthsvcSocialProvider directives
 * say about it (social_provider_config.c). One engine (oidc.c, flow_social.c) serves
 * every provider; nothing about a real provider is written in C. Read-only after
 * post_config, except the per-child JWKS cache made in child_init. */
#ifndef AUTHSVC_SOCIAL_PROVIDER_H
#define AUTHSVC_SOCIAL_PROVIDER_H

#include <apr_hash.h>
#include <apr_pools.h>
#include <apr_tables.h>

#include "authsvc_keys.h"

/* How the token endpoint authenticates us. */
typedef enum {
    AUTHSVC_SOCIAL_AUTH_BASIC = 0, /* client_secret_basic (RFC 6749 2.3.1) */
    AUTHSVC_SOCIAL_AUTH_POST,      /* client_secret_post */
    AUTHSVC_SOCIAL_AUTH_APPLE      /* client_secret = an ES256 JWT we sign (Apple) */
} authsvc_social_client_auth_t;

typedef struct authsvc_social_jwks_cache authsvc_social_jwks_cache_t;

typedef struct {
    const char *name;   /* google, azure, cognito, keycloak, apple, ... */
    int openid;         /* 1: OpenID Connect (id_token, nonce, JWKS) */
    const char *issuer; /* exact "iss" of its ID tokens */
    const char *authorization_endpoint;
    const char *token_endpoint;
    const char *userinfo_endpoint; /* NULL: the ID token's claims only (Apple) */
    const char *jwks_uri;
    const char *revocation_endpoint;  /* /google/logout: RFC 7009 style, token only */
    const char *end_session_endpoint; /* /keycloak/logout: refresh_token + client auth */
    const char *client_id;
    const char *client_secret; /* never logged */
    authsvc_social_client_auth_t client_auth;
    const char *team_id;                  /* Apple: iss of the client_secret JWT */
    const char *key_id;                   /* Apple: kid of the client_secret JWT */
    const authsvc_key_t *private_key;     /* Apple: the ES256 key that signs it */
    const char *client_secret_audience;   /* Apple: aud of the client_secret JWT (issuer) */
    const char *scope;                    /* "openid email profile" */
    const char *subject_claim;            /* the stable user id: sub, oid, id */
    const char *redirect_uri;             /* NULL: AuthsvcIssuer + the callback route */
    const char *response_mode;            /* NULL or form_post */
    apr_array_header_t *authorize_params; /* extra "name=value" (already encoded) */
    const char *userinfo_token_param;     /* NULL: Authorization: Bearer; else query name */
    const char *ca_file;                  /* trust anchors for this provider's TLS */
    int timeout;                          /* seconds per call */
    int pkce;                             /* send PKCE S256 (default on) */
    int link_verified_email;              /* first login may link the local account with
                                           the e-mail, where the link rule allows
                                           (authsvc_identity_link.h) */
    int update_profile;                   /* names (and a verified e-mail) replace the
                                           account's at each login */
    const char *signup_tenant;            /* self sign-up: tenant key and role name; */
    const char *signup_role;              /* NULL: no sign-up through this provider */
    int keep_state_params;                /* return the start's extra fields (Keycloak) */
    authsvc_social_jwks_cache_t *jwks;    /* per child (child_init) */
} authsvc_social_provider_t;

/* 1 when name is one of the providers the routes serve (google, azure, cognito,
 * keycloak, apple, facebook, instagram). */
int authsvc_social_provider_name_known(const char *name);

/* The provider called name in providers (an apr_hash of name -> provider), or NULL. */
const authsvc_social_provider_t *authsvc_social_provider_find(const apr_hash_t *providers,
                                                              const char *name);

/* NULL when p is complete and coherent, else why not (in pool). */
const char *authsvc_social_provider_check(apr_pool_t *pool, const authsvc_social_provider_t *p);

#endif
