"""The 44 routes of the old service that mod_authsvc must serve (method, path
template), written out here on purpose: the tests compare the module against this
list, not against the module's own table."""

SEED_ROUTES = [
    ("GET", "/active-users/{range}"),
    ("GET", "/login-activity/count"),
    ("GET", "/login-activity/{id}"),
    ("GET", "/login-activity"),
    ("GET", "/auth/apple-oauth-redirect"),
    ("POST", "/auth/oauth-apple"),
    ("POST", "/auth/azure"),
    ("GET", "/auth/azure"),
    ("GET", "/auth/azure-oauth-redirect"),
    ("PATCH", "/auth/change-password"),
    ("POST", "/auth/login"),
    ("POST", "/auth/login-token"),
    ("GET", "/auth/me"),
    ("POST", "/auth/switch-token"),
    ("POST", "/auth/token"),
    ("POST", "/auth/token-refresh"),
    ("GET", "/auth/check-qr-code"),
    ("POST", "/auth/create-qr-code"),
    ("POST", "/auth/send-otp"),
    ("POST", "/auth/verify-otp"),
    ("POST", "/auth/cognito"),
    ("GET", "/auth/cognito"),
    ("GET", "/auth/cognito-auth-redirect"),
    ("POST", "/auth/facebook"),
    ("GET", "/auth/facebook-auth-redirect"),
    ("POST", "/auth/forget-password"),
    ("PATCH", "/auth/reset-password"),
    ("GET", "/auth/verify-reset-password-link"),
    ("POST", "/auth/google"),
    ("GET", "/auth/google"),
    ("GET", "/auth/google-auth-redirect"),
    ("POST", "/auth/instagram"),
    ("GET", "/auth/instagram-auth-redirect"),
    ("POST", "/auth/keycloak"),
    ("GET", "/auth/keycloak"),
    ("GET", "/auth/keycloak-auth-redirect"),
    ("POST", "/auth/saml"),
    ("POST", "/auth/saml-redirect"),
    ("POST", "/auth/sign-up/create-token"),
    ("POST", "/auth/sign-up/create-user"),
    ("GET", "/auth/sign-up/verify-token"),
    ("POST", "/google/logout"),
    ("POST", "/keycloak/logout"),
    ("POST", "/logout"),
]

# Social / SAML start routes: application/x-www-form-urlencoded {client_id, client_secret}.
FORM_ROUTES = {
    ("POST", "/auth/google"), ("POST", "/auth/azure"), ("POST", "/auth/cognito"),
    ("POST", "/auth/keycloak"), ("POST", "/auth/facebook"), ("POST", "/auth/instagram"),
    ("POST", "/auth/oauth-apple"), ("POST", "/auth/saml"),
}

# The service's own description routes, answered with 200 JSON.
INFO_ROUTES = [
    ("GET", "/.well-known/openid-configuration"),
    ("GET", "/.well-known/jwks.json"),
    ("GET", "/openapi.json"),
    ("GET", "/authsvc/health/live"),
    ("GET", "/authsvc/health/ready"),
]

SAMPLE_CAPTURES = {"range": "daily", "id": "1"}


def concrete(path_template, captures=None):
    out = path_template
    for k, v in (captures or SAMPLE_CAPTURES).items():
        out = out.replace("{%s}" % k, v)
    return out


def template_matches(template, path):
    """True when path (no query) matches template, a {name} standing for one
    non-empty segment without '/'."""
    t = template.strip("/").split("/")
    p = path.strip("/").split("/") if path != "/" else [""]
    if not path.startswith("/") or len(t) != len(p):
        return False
    for ts, ps in zip(t, p):
        if ts.startswith("{") and ts.endswith("}"):
            if ps == "":
                return False
        elif ts != ps:
            return False
    return True


def body_kind(method, path_template):
    if (method, path_template) in FORM_ROUTES:
        return "form"
    if method == "GET":
        return None
    return "json"
