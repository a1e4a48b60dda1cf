// openid-client (npm, the certified OpenID Connect relying-party library for Node) against
// the provider: discovery, the code flow with PKCE S256 and state/nonce/iss/ID token
// validation by the library, UserInfo, introspection, refresh, revocation, a public
// client, and client_credentials. The user's part of the code flow is a browser without
// JavaScript written here: Node's fetch with a cookie jar, redirects followed by hand,
// the provider's login form posted as a user would. The HTTPS issuer's self-signed
// certificate is trusted through NODE_EXTRA_CA_CERTS (set by the test).
// Prints one JSON object of what it saw; no token, secret or password is printed.
//   node oidc-client.mjs CONFIG_JSON
//   CONFIG_JSON: {issuer, username, password,
//                 app: {id, secret, redirect}, spa: {id, redirect}, svc: {id, secret}}
import * as oidc from 'openid-client';

const cfg = JSON.parse(process.argv[2]);
const issuer = new URL(cfg.issuer);
const out = { loginForms: 0 };
const jar = new Map();

function cookieHeader() {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

function keepCookies(resp) {
  for (const c of resp.headers.getSetCookie()) {
    const [pair, ...attrs] = c.split(';');
    const i = pair.indexOf('=');
    const name = pair.slice(0, i).trim();
    const value = pair.slice(i + 1).trim();
    const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
    if (!value || gone) jar.delete(name); else jar.set(name, value);
  }
}

function hiddenFields(html) {
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([a-z_]+)" value="([^"]*)"/g)) {
    fields[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return fields;
}

// The user's browser: from the authorization URL to the first redirect that leaves the
// provider (the client's redirect URI), signing in on the login page when it comes.
async function userAgent(url) {
  let next = new URL(url);
  let init = { method: 'GET' };
  for (let step = 0; step < 12; step++) {
    const headers = { cookie: cookieHeader(), ...(init.headers || {}) };
    const resp = await fetch(next, { ...init, headers, redirect: 'manual' });
    keepCookies(resp);
    if ([301, 302, 303, 307].includes(resp.status)) {
      const loc = new URL(resp.headers.get('location'), next);
      if (loc.origin !== issuer.origin) return loc;
      next = loc;
      init = { method: 'GET' };
      continue;
    }
    const html = await resp.text();
    if (!html.includes('id="login-form"')) {
      throw new Error(`no redirect and no login form: ${resp.status} at ${next.pathname}`);
    }
    out.loginForms += 1;
    const form = new URLSearchParams({ ...hiddenFields(html), username: cfg.username,
                                       password: cfg.password });
    next = new URL('/authsvc/login', issuer);
    init = { method: 'POST', body: form.toString(),
             headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('too many redirects');
}

function errorOf(e) {
  return { name: e && e.name, code: e && e.code, error: e && e.error,
           status: e && e.status, message: String(e && e.message),
           cause: e && e.cause && String(e.cause.message),
           claim: e && e.cause && ((e.cause.cause && e.cause.cause.claim) || e.cause.claim) };
}

async function codeFlow(config, redirect, { expectedNonce, expectedState } = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirect, scope: 'openid email profile', code_challenge: challenge,
    code_challenge_method: 'S256', state, nonce });
  const callback = await userAgent(url);
  const answer = { callbackHasIss: callback.searchParams.get('iss') === cfg.issuer,
                   callbackStateMatches: callback.searchParams.get('state') === state };
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier, expectedState: expectedState || state,
    expectedNonce: expectedNonce || nonce, idTokenExpected: true });
  return { answer, tokens, nonce };
}

function shape(tokens) {
  return { hasAccess: !!tokens.access_token, hasRefresh: !!tokens.refresh_token,
           hasIdToken: !!tokens.id_token, tokenType: tokens.token_type,
           expiresIn: tokens.expires_in, scope: tokens.scope };
}

try {
  const app = await oidc.discovery(issuer, cfg.app.id, undefined,
                                   oidc.ClientSecretBasic(cfg.app.secret));
  const meta = app.serverMetadata();
  out.discovery = {
    issuer: meta.issuer, authorization_endpoint: meta.authorization_endpoint,
    token_endpoint: meta.token_endpoint, userinfo_endpoint: meta.userinfo_endpoint,
    revocation_endpoint: meta.revocation_endpoint,
    introspection_endpoint: meta.introspection_endpoint,
    end_session_endpoint: meta.end_session_endpoint, jwks_uri: meta.jwks_uri,
    code_challenge_methods_supported: meta.code_challenge_methods_supported,
    authorization_response_iss_parameter_supported:
      meta.authorization_response_iss_parameter_supported };

  // 1. the code flow with PKCE; the library checks state, iss, the ID token's signature
  //    (JWKS), iss, aud, exp, nonce and at_hash
  const first = await codeFlow(app, cfg.app.redirect);
  const claims = first.tokens.claims();
  out.code = { ...first.answer, tokens: shape(first.tokens),
               claims: { sub: claims.sub, aud: claims.aud, iss: claims.iss,
                         nonceMatches: claims.nonce === first.nonce, amr: claims.amr,
                         acr: claims.acr, auth_time: claims.auth_time,
                         hasAtHash: !!claims.at_hash, email: claims.email,
                         preferred_username: claims.preferred_username } };
  out.loginFormsAfterFirst = out.loginForms;

  // 2. UserInfo and introspection of that access token
  const info = await oidc.fetchUserInfo(app, first.tokens.access_token, claims.sub);
  out.userinfo = { sub: info.sub, email: info.email,
                   preferred_username: info.preferred_username };
  const intro = await oidc.tokenIntrospection(app, first.tokens.access_token);
  out.introspect = { active: intro.active, sub: intro.sub, client_id: intro.client_id,
                     scope: intro.scope, token_type: intro.token_type, hasExp: !!intro.exp };

  // 3. refresh: a new pair; then revocation of the new refresh token and access token
  const second = await oidc.refreshTokenGrant(app, first.tokens.refresh_token);
  out.refresh = { tokens: shape(second),
                  rotated: second.refresh_token !== first.tokens.refresh_token,
                  newAccess: second.access_token !== first.tokens.access_token };
  await oidc.tokenRevocation(app, second.refresh_token);
  try {
    await oidc.refreshTokenGrant(app, second.refresh_token);
    out.refreshAfterRevoke = { ok: true };
  } catch (e) {
    out.refreshAfterRevoke = errorOf(e);
  }
  await oidc.tokenRevocation(app, second.access_token);
  const dead = await oidc.tokenIntrospection(app, second.access_token);
  out.introspectAfterRevoke = { active: dead.active, keys: Object.keys(dead) };
  try {
    await oidc.fetchUserInfo(app, second.access_token, claims.sub);
    out.userinfoAfterRevoke = { ok: true };
  } catch (e) {
    out.userinfoAfterRevoke = errorOf(e);
  }

  // 4. the same browser, more authorizations: no login form (the session is reused); a
  //    nonce or a state that is not the one sent makes the library refuse the answer
  try {
    await codeFlow(app, cfg.app.redirect, { expectedNonce: 'not-the-nonce-sent' });
    out.wrongNonce = { ok: true };
  } catch (e) {
    out.wrongNonce = errorOf(e);
  }
  try {
    await codeFlow(app, cfg.app.redirect, { expectedState: 'not-the-state-sent' });
    out.wrongState = { ok: true };
  } catch (e) {
    out.wrongState = errorOf(e);
  }
  out.loginFormsAfterSecond = out.loginForms;

  // 5. a public client: no secret, PKCE only
  const spa = await oidc.discovery(issuer, cfg.spa.id, undefined, oidc.None());
  const pub = await codeFlow(spa, cfg.spa.redirect);
  out.publicClient = { ...pub.answer, tokens: shape(pub.tokens),
                       aud: pub.tokens.claims().aud, sub: pub.tokens.claims().sub };

  // 6. client_credentials: a service on its own behalf
  const svc = await oidc.discovery(issuer, cfg.svc.id, undefined,
                                   oidc.ClientSecretPost(cfg.svc.secret));
  const cc = await oidc.clientCredentialsGrant(svc, {});
  out.clientCredentials = { tokens: shape(cc) };
  const ccIntro = await oidc.tokenIntrospection(svc, cc.access_token);
  out.clientCredentials.introspect = { active: ccIntro.active, sub: ccIntro.sub,
                                       client_id: ccIntro.client_id };
  const ccMe = await fetch(new URL('/auth/me', issuer),
                           { headers: { authorization: `Bearer ${cc.access_token}` } });
  out.clientCredentials.meStatus = ccMe.status;
} catch (e) {
  out.error = String((e && e.stack) || e);
  out.errorDetail = errorOf(e);
}
console.log(JSON.stringify(out));
