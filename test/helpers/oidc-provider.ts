import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload, type Configuration } from 'oidc-provider';

/**
 * A real OpenID Connect provider for tests (the `oidc-provider` package, the engine behind many
 * production IdPs), on a real socket (port 0): discovery, JWKS, authorization code with PKCE
 * required, ID tokens with `auth_time` and `amr`, userinfo. Its sign-in page is our own small
 * form (devInteractions set no `amr`), so a test signs in as a user the way a person does: in
 * Chromium, typing a user name and password. All users are synthetic.
 */
export interface IdpUser {
  /** The IdP's subject (stable id). */
  sub: string;
  /** Login name typed on the IdP's page. */
  login: string;
  password: string;
  email?: string;
  preferred_username?: string;
  name?: string;
  /** Authentication methods the IdP reports (RFC 8176): e.g. ['pwd', 'mfa', 'otp']. */
  amr?: string[];
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Users by login; tests may add, change or remove them while the provider runs. */
  users: Map<string, IdpUser>;
  /** Registers the relying party's redirect URL (known only once the engine listens on port 0). */
  allowRedirect(url: string): void;
  /** How many times each login signed in at the IdP's own page (a re-authentication counts). */
  signIns: Map<string, number>;
  close(): Promise<void>;
}

/** A storage adapter over plain maps, one per provider (the package's own one is process-wide). */
function mapAdapter(): new (model: string) => Adapter {
  const rows = new Map<string, { payload: AdapterPayload; expiresAt: number | undefined }>();
  return class MapAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn?: number) {
      rows.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1_000 : undefined });
    }
    async find(id: string) {
      const row = rows.get(this.key(id));
      if (!row || (row.expiresAt !== undefined && row.expiresAt < Date.now())) return undefined;
      return row.payload;
    }
    async findByUid(uid: string) {
      for (const [key, row] of rows) if (key.startsWith(`${this.model}:`) && row.payload.uid === uid) return row.payload;
      return undefined;
    }
    async findByUserCode(userCode: string) {
      for (const [key, row] of rows) if (key.startsWith(`${this.model}:`) && row.payload.userCode === userCode) return row.payload;
      return undefined;
    }
    async consume(id: string) {
      const row = rows.get(this.key(id));
      if (row) row.payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      rows.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, row] of rows) if (row.payload.grantId === grantId) rows.delete(key);
    }
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP — sign in</title></head><body>
<h1>Test identity provider (synthetic)</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login">
<label>Login <input name="login" autocomplete="off"></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Sign in at the IdP</button>
</form></body></html>`;
}

async function formBody(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Starts the provider with one confidential client (client_secret_basic, PKCE required). Its issuer
 * is `http://localhost:<port>` while engines under test are `http://127.0.0.1:<port>`: another
 * site, as a real IdP is, so the browser applies its cross-site cookie rules to the redirects.
 */
export async function startOidcProvider(options: { users?: IdpUser[] } = {}): Promise<TestIdp> {
  const users = new Map((options.users ?? []).map((user) => [user.login, user]));
  const signIns = new Map<string, number>();
  const clientId = `callchart-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(32).toString('base64url');
  const redirectUris = new Set<string>();
  const Adapter = mapAdapter();

  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;

  const configuration: Configuration = {
    adapter: Adapter,
    // Clients come from the adapter, so the redirect URL can be added once the engine listens.
    clients: [],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // amr rides with the openid scope: the relying party checks it for a second factor.
    claims: { amr: null, acr: null, auth_time: null, openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    findAccount: (_ctx, sub) => {
      const user = [...users.values()].find((candidate) => candidate.sub === sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          ...(user.email ? { email: user.email, email_verified: true } : {}),
          ...(user.name ? { name: user.name } : {}),
          ...(user.preferred_username ? { preferred_username: user.preferred_username } : {}),
        }),
      };
    },
    // The test IdP signs ID tokens with the provider's development keys, generated at start.
    ttl: { Session: 3_600, Interaction: 600, Grant: 3_600, AuthorizationCode: 60, IdToken: 600, AccessToken: 600 },
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', issuer);
      const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
      if (!interaction) {
        provider.callback()(request, response);
        return;
      }
      const details = await provider.interactionDetails(request, response);
      if (details.prompt.name === 'consent') {
        // Staff sign-in is the organisation's own app: consent is granted by the administrator.
        const grant = details.grantId ? (await provider.Grant.find(details.grantId))! : new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
        const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        await provider.interactionFinished(request, response, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
        return;
      }
      if (request.method === 'GET') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(details.uid));
        return;
      }
      const form = await formBody(request);
      const user = users.get(form.get('login') ?? '');
      if (!user || user.password !== form.get('password')) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, 'Wrong login or password.'));
        return;
      }
      signIns.set(user.login, (signIns.get(user.login) ?? 0) + 1);
      await provider.interactionFinished(request, response, { login: { accountId: user.sub, amr: user.amr ?? ['pwd'], remember: false } }, { mergeWithLastSubmission: false });
    } catch (error) {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end(`test IdP: ${(error as Error).message}`);
    }
  }

  // Requests reach `handle` only after this line: the server's port had to be known for the issuer.
  const provider = new Provider(issuer, configuration);
  // Errors the provider answers itself (bad requests from a test on purpose) are not test failures.
  provider.on('server_error', () => undefined);

  return {
    issuer,
    clientId,
    clientSecret,
    users,
    signIns,
    allowRedirect(url: string) {
      redirectUris.add(url);
      void new Adapter('Client').upsert(clientId, {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...redirectUris],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        // The relying party checks when the person last proved who they are (step-up).
        require_auth_time: true,
      } as AdapterPayload);
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
