// A local OpenID Provider for mod_authsvc's social-login tests: the real oidc-provider
// (panva, npm) with one persona per run that shapes paths, issuer and claims like
// Google, Azure AD v2, Cognito, Keycloak or Apple. Test-only; never for production.
//
//   node op-peer.mjs PERSONA PORT REDIRECT_URI
//
// Prints "ready <issuer>" on stdout once it listens. Accounts (all personas):
//   alice / Alice-Pass-1  alice@example.org, verified
//   bob   / Bob-Pass-2    erin@example.org, NOT verified (T-36: never erin's account)
//   nina  / Nina-Pass-3   nina@example.net, verified, no local account (sign-up)
// and, for the rule of linking by e-mail (README "Linking external identities"):
//   mallory / Mallory-Pass-4  dave@example.org, verified: a local administrator's address
//   sam     / Sam-Pass-5      sam@example.org, verified
//   pat     / Pat-Pass-6      pat@example.org, verified
//   priya   / Priya-Pass-7    priya@example.org, verified
//   una     / Una-Pass-8      una@example.org, NOT verified
// Login and consent pages are plain forms: #login-form #username #password #kc-login,
// #login-error, #consent-form #allow #deny.
import crypto from 'node:crypto';
import querystring from 'node:querystring';
import Provider from 'oidc-provider';

const [persona, portText, redirectUri] = process.argv.slice(2);
const port = Number(portText);
const base = `http://127.0.0.1:${port}`;
const TENANT = '72f988bf-0000-4000-8000-00000000a2d1';
const KC = '/realms/authsvc/protocol/openid-connect';

// Paths, client and claims per persona (docs/design.md section 13).
const personas = {
  keycloak: {
    issuer: `${base}/realms/authsvc`,
    routes: { authorization: `${KC}/auth`, token: `${KC}/token`, userinfo: `${KC}/userinfo`,
      jwks: `${KC}/certs`, revocation: `${KC}/revoke`, end_session: `${KC}/logout-rp` },
    client: ['authsvc-kc', 'kc-secret-0123456789abcdef0123456789ab'],
    consent: true,
    sub: (a) => a.uuid,
    claims: (a) => ({ preferred_username: a.username }),
  },
  google: {
    issuer: base,
    routes: { authorization: '/o/oauth2/v2/auth', token: '/token', userinfo: '/v1/userinfo',
      jwks: '/oauth2/v3/certs', revocation: '/revoke', end_session: '/logout' },
    client: ['1234567890-authsvc.apps.googleusercontent.com', 'GOCSPX-authsvc-test-secret'],
    consent: true,
    sub: (a) => a.google,
    claims: () => ({ picture: 'https://example.org/p.png', locale: 'en' }),
  },
  azure: {
    issuer: `${base}/${TENANT}/v2.0`,
    routes: { authorization: `/${TENANT}/oauth2/v2.0/authorize`, token: `/${TENANT}/oauth2/v2.0/token`,
      userinfo: `/${TENANT}/oidc/userinfo`, jwks: `/${TENANT}/discovery/v2.0/keys`,
      end_session: `/${TENANT}/oauth2/v2.0/logout`, revocation: `/${TENANT}/oauth2/v2.0/revoke` },
    client: ['0f1e2d3c-4b5a-6978-8a9b-authsvc00001', 'azure~test~secret~0123456789'],
    consent: false,
    // sub is pairwise per application; oid is the stable id in the tenant
    sub: (a) => crypto.createHash('sha256').update(`app1:${a.uuid}`).digest('base64url').slice(0, 43),
    claims: (a) => ({ oid: a.uuid, tid: TENANT, ver: '2.0',
      preferred_username: `${a.username}@authsvc.onmicrosoft.com` }),
  },
  cognito: {
    issuer: `${base}/us-east-1_AuthSvc01`,
    routes: { authorization: '/oauth2/authorize', token: '/oauth2/token', userinfo: '/oauth2/userInfo',
      jwks: '/us-east-1_AuthSvc01/.well-known/jwks.json', revocation: '/oauth2/revoke',
      end_session: '/logout' },
    client: ['4c0gn1t0authsvcclient01', 'cognito-test-secret-0123456789abcdef'],
    consent: false,
    sub: (a) => a.uuid,
    claims: (a) => ({ 'cognito:username': a.username, token_use: 'id' }),
  },
  apple: {
    issuer: base,
    routes: { authorization: '/auth/authorize', token: '/auth/token', userinfo: '/auth/userinfo-none',
      jwks: '/auth/keys', revocation: '/auth/revoke', end_session: '/auth/logout' },
    client: ['com.example.authsvc', crypto.randomBytes(24).toString('hex')],
    consent: false,
    sub: (a) => `001234.${crypto.createHash('md5').update(a.uuid).digest('hex')}.1001`,
    // Apple sends these booleans as strings
    claims: (a) => ({ email_verified: a.verified ? 'true' : 'false', is_private_email: 'false' }),
  },
};

const accounts = {
  alice: { username: 'alice', password: 'Alice-Pass-1', email: 'alice@example.org', verified: true,
    uuid: '6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1001', google: '108234567890123456789',
    given: 'Alice', family: 'Example' },
  bob: { username: 'bob', password: 'Bob-Pass-2', email: 'erin@example.org', verified: false,
    uuid: '6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1002', google: '108234567890123456790',
    given: 'Bob', family: 'Unverified' },
  nina: { username: 'nina', password: 'Nina-Pass-3', email: 'nina@example.net', verified: true,
    uuid: '6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1003', google: '108234567890123456791',
    given: 'Nina', family: 'Newcomer' },
  mallory: { username: 'mallory', password: 'Mallory-Pass-4', email: 'dave@example.org',
    verified: true, uuid: '6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1004', google: '108234567890123456792',
    given: 'Mallory', family: 'Takeover' },
  sam: { username: 'sam', password: 'Sam-Pass-5', email: 'sam@example.org', verified: true,
    uuid: '6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1005', google: '108234567890123456793',
    given: 'Sam', family: 'Provider' },
  pat: { username: 'pat', password: 'Pat-Pass-6', email: 'pat@example.org', verified: true,
    uuid: '6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1006', google: '108234567890123456794',
    given: 'Pat', family: 'Provider' },
  priya: { username: 'priya', password: 'Priya-Pass-7', email: 'priya@example.org', verified: true,
    uuid: '6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1007', google: '108234567890123456795',
    given: 'Priya', family: 'Provider' },
  una: { username: 'una', password: 'Una-Pass-8', email: 'una@example.org', verified: false,
    uuid: '6f1c9a52-3c1e-4d8e-9a55-0d7c7b3a1008', google: '108234567890123456796',
    given: 'Una', family: 'Provider' },
};

const p = personas[persona];
if (!p) {
  console.error(`unknown persona ${persona}`);
  process.exit(2);
}
const bySub = new Map(Object.values(accounts).map((a) => [p.sub(a), a]));

function accountClaims(a) {
  return {
    sub: p.sub(a), email: a.email, email_verified: a.verified, name: `${a.given} ${a.family}`,
    given_name: a.given, family_name: a.family, ...p.claims(a),
  };
}

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: `${persona}-rs256-1`, use: 'sig', alg: 'RS256' };
const extraClaims = ['oid', 'tid', 'ver', 'preferred_username', 'cognito:username', 'token_use',
  'is_private_email', 'picture', 'locale'];

const configuration = {
  clients: [{
    client_id: p.client[0], client_secret: p.client[1], redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub', ...extraClaims], email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'] },
  scopes: ['openid', 'email', 'profile', 'offline_access', 'name'],
  conformIdTokenClaims: false,
  cookies: {
    keys: [crypto.randomBytes(32).toString('hex')],
    names: { session: `${persona}_session`, interaction: `${persona}_interaction`,
      resume: `${persona}_interaction_resume` },
  },
  features: { devInteractions: { enabled: false }, revocation: { enabled: true },
    userinfo: { enabled: persona !== 'apple' }, rpInitiatedLogout: { enabled: true } },
  findAccount: async (_ctx, sub) => {
    const a = bySub.get(sub);
    return a && { accountId: sub, claims: async () => accountClaims(a) };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  jwks: { keys: [signingJwk] },
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    if (p.consent) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  pkce: { required: () => false },
  responseModes: undefined,
  routes: p.routes,
  ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, RefreshToken: 86400,
    Interaction: 600, Session: 3600, Grant: 86400 },
};
delete configuration.responseModes;

const provider = new Provider(p.issuer, configuration);

async function readForm(ctx) {
  const chunks = [];
  for await (const c of ctx.req) chunks.push(c);
  return querystring.parse(Buffer.concat(chunks).toString());
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(ctx, title, body) {
  ctx.type = 'html';
  ctx.body = `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;
}

function loginPage(ctx, uid, error) {
  page(ctx, 'Sign in', `${error ? '<p id="login-error">Invalid username or password.</p>' : ''}
<form id="login-form" method="post" action="/interaction/${uid}/login">
<input id="username" name="username"><input id="password" name="password" type="password">
<button id="kc-login" type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/abort"><button id="cancel" type="submit">Cancel</button></form>`);
}

function consentPage(ctx, uid, details) {
  const scopes = (details.params.scope || '').split(' ').map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  page(ctx, 'Authorize', `<ul>${scopes}</ul>
<form id="consent-form" method="post" action="/interaction/${uid}/confirm">
<button id="allow" name="allow" value="yes" type="submit">Allow</button></form>
<form method="post" action="/interaction/${uid}/abort"><button id="deny" type="submit">Deny</button></form>`);
}

async function confirm(ctx) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const { prompt, params, session } = details;
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } },
    { mergeWithLastSubmission: true });
}

async function interaction(ctx, uid, action) {
  if (ctx.method === 'GET' && !action) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name === 'login') return loginPage(ctx, uid, false);
    return consentPage(ctx, uid, details);
  }
  const form = await readForm(ctx);
  if (action === 'login') {
    const a = accounts[form.username];
    if (!a || a.password !== form.password) return loginPage(ctx, uid, true);
    return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: p.sub(a) } },
      { mergeWithLastSubmission: false });
  }
  if (action === 'confirm') return confirm(ctx);
  return provider.interactionFinished(ctx.req, ctx.res, { error: 'access_denied',
    error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
}

function basicClient(ctx) {
  const m = /^Basic (.+)$/.exec(ctx.get('authorization') || '');
  if (!m) return null;
  const [id, secret] = Buffer.from(m[1], 'base64').toString().split(':').map(decodeURIComponent);
  return { id, secret };
}

// Keycloak's back-channel logout: POST .../logout with refresh_token + client auth -> 204.
async function keycloakLogout(ctx) {
  const form = await readForm(ctx);
  const c = basicClient(ctx) || { id: form.client_id, secret: form.client_secret };
  if (c.id !== p.client[0] || c.secret !== p.client[1]) {
    ctx.status = 401;
    ctx.body = { error: 'unauthorized_client' };
    return;
  }
  const rt = form.refresh_token && await provider.RefreshToken.find(form.refresh_token);
  if (!rt || rt.clientId !== c.id) {
    ctx.status = 400;
    ctx.body = { error: 'invalid_grant', error_description: 'Invalid refresh token' };
    return;
  }
  const grant = await provider.Grant.find(rt.grantId);
  if (grant) await grant.destroy();
  await provider.AccessToken.revokeByGrantId(rt.grantId);
  await provider.RefreshToken.revokeByGrantId(rt.grantId);
  ctx.status = 204;
}

// Apple: the client_secret is an ES256 JWT signed with the team's key (docs/design.md section 13);
// checked here against the public key given in APPLE_CLIENT_PUBKEY, then replaced by the
// client's internal secret for oidc-provider.
function appleSecretOk(jwt) {
  const [h, pl, s] = (jwt || '').split('.');
  if (!s) return false;
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const claims = JSON.parse(Buffer.from(pl, 'base64url'));
  const key = crypto.createPublicKey(process.env.APPLE_CLIENT_PUBKEY);
  const ok = crypto.verify('sha256', Buffer.from(`${h}.${pl}`), { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s, 'base64url'));
  const now = Math.floor(Date.now() / 1000);
  return ok && header.alg === 'ES256' && header.kid === process.env.APPLE_KEY_ID
    && claims.iss === process.env.APPLE_TEAM_ID && claims.sub === p.client[0]
    && claims.aud === p.issuer && claims.exp > now && claims.exp - claims.iat <= 15777000;
}

async function appleClientSecret(ctx) {
  const form = await readForm(ctx);
  if (!appleSecretOk(form.client_secret)) {
    ctx.status = 400;
    ctx.body = { error: 'invalid_client' };
    return false;
  }
  form.client_secret = p.client[1];
  ctx.req.body = querystring.stringify(form);
  return true;
}

provider.use(async (ctx, next) => {
  const m = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/.exec(ctx.path);
  if (m) return interaction(ctx, m[1], m[2]);
  if (persona === 'keycloak' && ctx.method === 'POST' && ctx.path === `${KC}/logout`) {
    return keycloakLogout(ctx);
  }
  if (persona === 'apple' && ctx.method === 'POST'
      && (ctx.path === p.routes.token || ctx.path === p.routes.revocation)) {
    if (!(await appleClientSecret(ctx))) return undefined;
  }
  if (persona === 'apple' && ctx.path === p.routes.authorization) {
    // Apple issues an id_token for "name email" without openid
    const scope = new Set(String(ctx.query.scope || '').split(' ').filter(Boolean));
    scope.add('openid');
    if (scope.has('email') || scope.has('name')) {
      if (ctx.query.response_mode !== 'form_post') {
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', error_description: 'form_post required' };
        return undefined;
      }
    }
    ctx.querystring = querystring.stringify({ ...ctx.query, scope: [...scope].join(' ') });
  }
  return next();
});

provider.on('server_error', (_ctx, err) => console.error('server_error', err));
provider.listen(port, '127.0.0.1', () => console.log(`ready ${p.issuer}`));
