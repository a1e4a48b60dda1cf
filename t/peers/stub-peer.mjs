// Small identity-provider stubs for mod_authsvc's social-login tests, Node standard
// library only. Test-only; never for production.
//
//   node stub-peer.mjs facebook|instagram|forge PORT REDIRECT_URI CLIENT_ID CLIENT_SECRET
//
// facebook, instagram: the dialog / code / token / me steps of Meta's APIs
//   (docs/design.md section 13), with the same login form ids as op-peer.mjs.
// forge: an OpenID Provider that misbehaves on request, for the ID-token rows:
//   POST /control mode=ok|wrong_aud|wrong_azp|multi_aud_no_azp|alg_none|unsigned|
//        bad_signature|expired|future_iat|unknown_kid|wrong_iss|no_nonce|wrong_nonce|
//        hs256_with_public_key|userinfo_other_sub|token_error|slow_token|jwks_down|
//        random_kid
//   GET /stats -> {"jwks_fetches","token_calls","last_token_form":{...}}
// It never sends "iss" with the redirect (as Google, Azure, Cognito and Apple).
// Prints "ready" on stdout once it listens.
import crypto from 'node:crypto';
import http from 'node:http';
import querystring from 'node:querystring';

const [persona, portText, redirectUri, clientId, clientSecret] = process.argv.slice(2);
const port = Number(portText);
const base = `http://127.0.0.1:${port}`;
const codes = new Map();
const tokens = new Map();
const stats = { jwks_fetches: 0, token_calls: 0, last_token_form: null };
let mode = 'ok';

const accounts = {
  alice: { password: 'Alice-Pass-1', fb: '10158000000000001', ig: '17841400000000001',
    name: 'Alice Example', email: 'alice@example.org', igName: 'alice.example' },
  bob: { password: 'Bob-Pass-2', fb: '10158000000000002', ig: '17841400000000002',
    name: 'Bob Phoneonly', igName: 'bob.phoneonly' },
};

const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const rogue = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'forge-1', use: 'sig', alg: 'RS256' };

const b64u = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

function sign(header, claims, key = privateKey) {
  const input = `${b64u(header)}.${b64u(claims)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function idToken(entry) {
  const now = Math.floor(Date.now() / 1000);
  const c = { iss: base, sub: 'forge-user-1', aud: clientId, iat: now, exp: now + 600,
    nonce: entry.nonce, email: 'alice@example.org', email_verified: true };
  const h = { alg: 'RS256', kid: 'forge-1', typ: 'JWT' };
  const changes = {
    wrong_aud: () => { c.aud = 'someone-else'; },
    wrong_azp: () => { c.azp = 'someone-else'; },
    multi_aud_no_azp: () => { c.aud = [clientId, 'someone-else']; },
    expired: () => { c.iat = now - 7200; c.exp = now - 3600; },
    future_iat: () => { c.iat = now + 3600; },
    wrong_iss: () => { c.iss = 'http://127.0.0.1:1/other'; },
    no_nonce: () => { delete c.nonce; },
    wrong_nonce: () => { c.nonce = 'nonce-of-an-earlier-login'; },
    unknown_kid: () => { h.kid = 'not-published'; },
    random_kid: () => { h.kid = crypto.randomBytes(8).toString('hex'); },
  };
  (changes[mode] || (() => {}))();
  if (mode === 'alg_none') return `${b64u({ alg: 'none', kid: 'forge-1' })}.${b64u(c)}.`;
  if (mode === 'unsigned') return `${b64u(h)}.${b64u(c)}.`;
  if (mode === 'hs256_with_public_key') {
    const input = `${b64u({ alg: 'HS256', kid: 'forge-1' })}.${b64u(c)}`;
    const pem = publicKey.export({ format: 'pem', type: 'spki' });
    return `${input}.${crypto.createHmac('sha256', pem).update(input).digest('base64url')}`;
  }
  if (mode === 'bad_signature') return sign(h, c, rogue);
  if (mode === 'unknown_kid' || mode === 'random_kid') return sign(h, c, rogue);
  return sign(h, c);
}

function send(res, status, body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json', ...headers });
  res.end(text);
}

function redirect(res, url) {
  res.writeHead(302, { Location: url });
  res.end();
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return querystring.parse(Buffer.concat(chunks).toString());
}

function clientAuth(req, form) {
  const m = /^Basic (.+)$/.exec(req.headers.authorization || '');
  if (m) {
    const [id, secret] = Buffer.from(m[1], 'base64').toString().split(':').map(decodeURIComponent);
    return id === clientId && secret === clientSecret;
  }
  return form.client_id === clientId && form.client_secret === clientSecret;
}

function loginPage(res, action, error) {
  send(res, 200, `<!DOCTYPE html><html><body>${error ? '<p id="login-error">Wrong password.</p>' : ''}
<form id="login-form" method="post" action="${action}"><input id="username" name="username">
<input id="password" name="password" type="password"><button id="kc-login">Log in</button></form></body></html>`);
}

function newCode(entry) {
  const code = `AQ${crypto.randomBytes(24).toString('base64url')}`;
  codes.set(code, { ...entry, expires: Date.now() + 600000 });
  return code;
}

function takeCode(form) {
  const entry = codes.get(form.code);
  codes.delete(form.code);
  if (!entry || entry.expires < Date.now() || form.redirect_uri !== entry.redirect_uri) return null;
  return entry;
}

function bearer(req, q) {
  const m = /^(?:Bearer|OAuth) (.+)$/.exec(req.headers.authorization || '');
  return tokens.get(m ? m[1] : q.access_token);
}

// ---- Facebook and Instagram -------------------------------------------------------

async function meta(req, res, path, q) {
  const fb = persona === 'facebook';
  if (/^(\/v\d+\.\d+)?\/dialog\/oauth$/.test(path) || path === '/oauth/authorize') {
    if (q.client_id !== clientId || q.redirect_uri !== redirectUri) return send(res, 400, 'URL Blocked');
    return loginPage(res, `/login?${querystring.stringify(q)}`, false);
  }
  if (path === '/login' && req.method === 'POST') {
    const form = await readBody(req);
    const a = accounts[form.username];
    if (!a || a.password !== form.password) return loginPage(res, `/login?${querystring.stringify(q)}`, true);
    const code = newCode({ user: form.username, redirect_uri: q.redirect_uri });
    return redirect(res, `${q.redirect_uri}?${querystring.stringify({ code, state: q.state })}${fb ? '#_=_' : '#_'}`);
  }
  if (/^(\/v\d+\.\d+)?\/oauth\/access_token$/.test(path)) {
    const form = req.method === 'POST' ? await readBody(req) : q;
    if (!clientAuth(req, form)) {
      return send(res, 400, fb ? { error: { message: 'Error validating client secret.', type: 'OAuthException', code: 1 } }
        : { error_type: 'OAuthException', code: 400, error_message: 'Invalid client' });
    }
    const entry = takeCode(form);
    if (!entry) {
      return send(res, 400, fb ? { error: { message: 'This authorization code has been used.', type: 'OAuthException', code: 100 } }
        : { error_type: 'OAuthException', code: 400, error_message: 'Invalid authorization code' });
    }
    const token = `${fb ? 'EAA' : 'IGQV'}${crypto.randomBytes(24).toString('base64url')}`;
    tokens.set(token, entry.user);
    if (fb) return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 5183944 });
    // user_id as a bare JSON number above 2^53, exactly as Instagram sends it
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(`{"access_token":"${token}","user_id":${accounts[entry.user].ig}}`);
  }
  if (/^(\/v\d+\.\d+)?\/me$/.test(path)) {
    const user = bearer(req, q);
    if (!user) return send(res, 400, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } });
    const a = accounts[user];
    if (fb) return send(res, 200, { id: a.fb, name: a.name, ...(a.email ? { email: a.email } : {}) });
    return send(res, 200, { id: a.ig, username: a.igName });
  }
  return send(res, 404, { error: 'not found' });
}

// ---- forge --------------------------------------------------------------------------

async function forge(req, res, path, q) {
  if (path === '/control' && req.method === 'POST') {
    mode = (await readBody(req)).mode || 'ok';
    return send(res, 200, { mode });
  }
  if (path === '/stats') return send(res, 200, stats);
  if (path === '/authorize') {
    if (q.client_id !== clientId || q.redirect_uri !== redirectUri) return send(res, 400, 'bad request');
    const code = newCode({ nonce: q.nonce, challenge: q.code_challenge,
      method: q.code_challenge_method, redirect_uri: q.redirect_uri });
    return redirect(res, `${q.redirect_uri}?${querystring.stringify({ code, state: q.state })}`);
  }
  if (path === '/token' && req.method === 'POST') {
    const form = await readBody(req);
    stats.token_calls += 1;
    stats.last_token_form = { ...form, client_secret: form.client_secret ? '(set)' : undefined };
    if (mode === 'slow_token') await new Promise((r) => { setTimeout(r, 5000); });
    if (!clientAuth(req, form)) return send(res, 401, { error: 'invalid_client' });
    const entry = takeCode(form);
    if (!entry || mode === 'token_error') return send(res, 400, { error: 'invalid_grant' });
    // PKCE (RFC 7636 4.6): a challenge was sent, so the verifier must match it
    if (entry.challenge) {
      const v = form.code_verifier || '';
      const ok = entry.method === 'S256' && v.length >= 43 && v.length <= 128
        && crypto.createHash('sha256').update(v).digest('base64url') === entry.challenge;
      if (!ok) return send(res, 400, { error: 'invalid_grant', error_description: 'PKCE' });
    }
    const token = crypto.randomBytes(24).toString('base64url');
    tokens.set(token, 'forge-user-1');
    return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600,
      id_token: idToken(entry) });
  }
  if (path === '/userinfo') {
    if (!bearer(req, q)) return send(res, 401, { error: 'invalid_token' });
    return send(res, 200, { sub: mode === 'userinfo_other_sub' ? 'someone-else' : 'forge-user-1',
      email: 'alice@example.org', email_verified: true, given_name: 'Alice' });
  }
  if (path === '/jwks') {
    stats.jwks_fetches += 1;
    if (mode === 'jwks_down') return send(res, 503, { error: 'down' });
    return send(res, 200, { keys: [jwk] });
  }
  return send(res, 404, { error: 'not found' });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, base);
  const q = Object.fromEntries(url.searchParams);
  const handler = persona === 'forge' ? forge : meta;
  handler(req, res, url.pathname, q).catch((err) => {
    console.error(err);
    send(res, 500, { error: 'server_error' });
  });
});
server.listen(port, '127.0.0.1', () => console.log(`ready ${base}`));
