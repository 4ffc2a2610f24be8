// A real OpenID Connect provider for the single sign-on tests (apps.sso), started by the
// `oidc_provider` fixture in tests/apps/sso/conftest.py:
//
//     node tests/browser/oidc_provider.mjs CONFIG.json
//
// CONFIG.json: {"port": N, "issuer": "http://127.0.0.1:N", "clients": [...],
//               "accounts": {"<login>": {claims}}, "idTokenTTL": seconds}
// It prints "ready <issuer>" on stdout once it listens. Its login page is oidc-provider's own
// development page (any login name from `accounts`, any password); consent is given
// up front for every client, as a municipality's own Entra ID or broker would do.
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));

const provider = new Provider(config.issuer, {
  clients: config.clients,
  // Tests read the claims from the ID token, as Tovholder does (Entra puts them there).
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    roles: ['roles'],
    // What a MitID broker may send, and Tovholder must never keep.
    cpr: ['cpr', 'dk:gov:saml:attribute:CprNumberIdentifier'],
  },
  scopes: ['openid', 'email', 'profile', 'roles', 'cpr'],
  pkce: { required: () => true }, // a code without its verifier is refused
  ttl: {
    IdToken: config.idTokenTTL || 3600,
    AccessToken: 600,
    AuthorizationCode: 60,
    Interaction: 600,
    Session: 600,
    Grant: 600,
  },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  // Consent is implied: the tenant registered Tovholder as its own application.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile roles cpr');
    await grant.save();
    return grant;
  },
});

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
