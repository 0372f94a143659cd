// A real OpenID Provider for the sign-in tests: panva's oidc-provider (OpenID Certified), run on
// 127.0.0.1 with its development login screen. Any login name is accepted; the account's groups
// come from ACCOUNTS below, so a test decides which roles the dashboard should map.
//   node provider.mjs <port> <client_id> <client_secret> <redirect_uri>
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const ACCOUNTS = {
  'ingrid.hr': { name: 'Ingrid HR', groups: ['grp-hr-cleared'] },
  'olav.viewer': { name: 'Olav Viewer', groups: ['grp-everyone'] },
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  // Claims in the ID token itself, as Entra ID puts `groups` and `roles` there.
  conformIdTokenClaims: false,
  cookies: { keys: ['oidc-test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id] || { name: id, groups: [] };
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.no`, email_verified: true, name: account.name, groups: account.groups };
      },
    };
  },
});
provider.listen(Number(port), '127.0.0.1', () => console.log(`oidc-provider listening on ${port}`));
