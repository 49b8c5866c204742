/**
 * A real OpenID provider for the sign-in tests: oidc-provider (panva), on 127.0.0.1 at a port the
 * test picks, with one registered confidential client and the package's development login form
 * (any login, any password). The account's email is the login; `eve…` logins get no groups,
 * others the group "analysts".
 */
import http from "node:http";
import Provider from "oidc-provider";

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Requests the provider answered (path only), to count calls per reconnect. */
  hits: string[];
  close(): Promise<void>;
}

export async function startProvider(port: number, appUrls: string[]): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "dash-test";
  const clientSecret = "a-client-secret-that-must-never-be-logged";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: appUrls.map((url) => `${url}/_dash/auth/callback`),
        post_logout_redirect_uris: appUrls.map((url) => `${url}/`),
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups", "offline_access"],
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        email: id,
        email_verified: true,
        name: id.split("@")[0]!.replace(/^./, (c) => c.toUpperCase()),
        groups: id.startsWith("eve") ? [] : ["analysts"],
      }),
    }),
    cookies: { keys: ["a-cookie-key-for-the-test-provider"] },
  });
  const hits: string[] = [];
  const callback = provider.callback();
  const server = http.createServer((req, res) => {
    hits.push((req.url ?? "").split("?")[0]!);
    callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
