// OpenID Connect provider for end-to-end tests, listening on loopback only.
//
// Environment:
//   OIDC_PORT           port on 127.0.0.1; the issuer is http://127.0.0.1:<port>
//   OIDC_CLIENT_ID      the one confidential client
//   OIDC_CLIENT_SECRET  its secret (client_secret_basic or client_secret_post)
//   OIDC_REDIRECT_URI   its redirect URI (several may be given, separated by
//                       spaces or commas)
//   OIDC_ACCOUNTS       path of a JSON file
//                       {"<login>": {"email": ..., "name": ..., "groups": [...],
//                                    "amr": [...] (optional, default ["pwd", "mfa"])}}
//                       read again on every account lookup
//
// Every authorization request shows the sign-in form (no remembered session),
// and there is no consent screen: the requested scopes are granted at once.
// Prints "READY <issuer>" on stdout once listening.

import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

const port = Number.parseInt(required('OIDC_PORT'), 10);
const clientId = required('OIDC_CLIENT_ID');
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUris = required('OIDC_REDIRECT_URI').split(/[\s,]+/).filter(Boolean);
const accountsPath = required('OIDC_ACCOUNTS');

const issuer = `http://127.0.0.1:${port}`;

function readAccounts() {
  return JSON.parse(readFileSync(accountsPath, 'utf8'));
}

function lookupAccount(login) {
  const accounts = readAccounts();
  return Object.hasOwn(accounts, login) ? accounts[login] : undefined;
}

// Signing key made at start, kept in memory only.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: randomUUID(),
  alg: 'RS256',
  use: 'sig',
};

const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>`;
}

function loginPage(uid, error) {
  return page('Test identity provider', `${error ? `<p role="alert">${escapeHtml(error)}</p>\n` : ''}\
<form method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label for="login">Login</label>
  <input id="login" type="text" name="login" required autofocus>
  <button type="submit">Sign-in</button>
</form>`);
}

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
    scope: 'openid email profile groups',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  responseTypes: ['code'],
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    // How the person authenticated (the interaction's "amr") comes in the ID token.
    openid: ['sub', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Claims of the granted scopes go into the ID token as well as userinfo.
  conformIdTokenClaims: false,
  // PKCE (S256) is accepted but not required of the confidential client.
  pkce: { required: () => false },
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
  },
  interactions: {
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  // The client is first-party: whatever it asks for is granted.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.account.accountId,
    });
    grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
    grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
    await grant.save();
    return grant;
  },
  async findAccount(ctx, sub) {
    const person = lookupAccount(sub);
    if (!person) {
      return undefined;
    }
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          email: person.email,
          email_verified: true,
          name: person.name,
          groups: Array.isArray(person.groups) ? person.groups : [],
        };
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', Object.entries(out)
      .map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`)
      .join('\n'));
  },
};

const provider = new Provider(issuer, configuration);

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Each authorization request starts without a session: the session cookie
// the browser sends to the authorization endpoint (and its resume step) is
// ignored, so the sign-in form is always shown and anyone may sign in next.
provider.use(async (ctx, next) => {
  if (/^\/auth(\/|$)/.test(ctx.path) && ctx.req.headers.cookie) {
    ctx.req.headers.cookie = ctx.req.headers.cookie
      .split(';')
      .filter((pair) => !pair.trim().startsWith('_session'))
      .join(';');
  }
  return next();
});

// Sign-in interaction: GET shows the form, POST .../login checks the login.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) {
    return next();
  }
  const [, uid, isLogin] = match;
  ctx.set('Cache-Control', 'no-store');
  try {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) {
      ctx.throw(400, 'interaction mismatch');
    }

    if (ctx.method === 'GET' && !isLogin) {
      if (details.prompt.name === 'login') {
        ctx.type = 'html';
        ctx.body = loginPage(uid);
        return undefined;
      }
      // Any other prompt (consent) is granted straight away.
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      const { missingOIDCScope, missingOIDCClaims } = details.prompt.details;
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      const grantId = await grant.save();
      const returnTo = await provider.interactionResult(
        ctx.req,
        ctx.res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      ctx.status = 303;
      ctx.redirect(returnTo);
      return undefined;
    }

    if (ctx.method === 'POST' && isLogin) {
      const login = ((await readForm(ctx.req)).get('login') || '').trim();
      if (!login || !lookupAccount(login)) {
        ctx.status = 401;
        ctx.type = 'html';
        ctx.body = loginPage(uid, 'Unknown login');
        return undefined;
      }
      const returnTo = await provider.interactionResult(
        ctx.req,
        ctx.res,
        // How the person authenticated: from the accounts file ("amr"), by default
        // a password and a second factor.
        { login: { accountId: login, amr: lookupAccount(login).amr ?? ['pwd', 'mfa'] } },
        { mergeWithLastSubmission: false },
      );
      ctx.status = 303;
      ctx.redirect(returnTo);
      return undefined;
    }

    ctx.throw(405, 'method not allowed');
  } catch (error) {
    ctx.status = error.status || error.statusCode || 500;
    ctx.type = 'text';
    ctx.body = `${error.name}: ${error.error_description || error.message}`;
  }
  return undefined;
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => process.exit(0));
}
