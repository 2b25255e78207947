// Sign-in with Cognito's managed login: authorization code + PKCE by oidc-client-ts. Loaded
// only when someone signs in or a session is renewed (SignIn, AuthCallback and lib/renewal.ts
// import it dynamically): never in the shell.
import { ErrorResponse, UserManager, WebStorageStateStore } from "oidc-client-ts";
import { sessionFromIdToken } from "./claims";
import type { Pool, PoolConfig, RuntimeConfig } from "./runtimeConfig";
import { signIn, type Session } from "./session";

export const CALLBACK_PATH = "/auth/callback";
const POOL_KEY = "rukhsa.signIn.pool";
const SCOPES: Record<Pool, string> = { citizens: "openid profile phone", staff: "openid profile email" };

function manager(pool: Pool, config: PoolConfig): UserManager {
  const origin = location.origin;
  // sessionStorage for both the PKCE verifier/state and the user (with its refresh token):
  // nothing in localStorage, and nothing left beyond the tab.
  const store = new WebStorageStateStore({ store: sessionStorage, prefix: `rukhsa.oidc.${pool}.` });
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    response_type: "code",
    scope: SCOPES[pool],
    // Cognito's endpoints given outright: no discovery request to another origin.
    metadata: {
      issuer: config.issuer,
      authorization_endpoint: `${config.domain}/oauth2/authorize`,
      token_endpoint: `${config.domain}/oauth2/token`,
      revocation_endpoint: `${config.domain}/oauth2/revoke`,
      userinfo_endpoint: `${config.domain}/oauth2/userInfo`,
    },
    stateStore: store,
    userStore: store,
    loadUserInfo: false,
    // Renewal is the app's (lib/renewal.ts): only while the person is active, and the library
    // is loaded only then. No iframe: Cognito renews with the refresh token alone.
    automaticSilentRenew: false,
  });
}

function cognito(config: RuntimeConfig) {
  if (config.auth.mode !== "cognito") throw new Error("this deployment signs in locally");
  return config.auth;
}

/** Off to the pool's managed login; back at CALLBACK_PATH with the code. `next`: the app page
 * to land on; `lang`: managed login's language. */
export async function beginSignIn(config: RuntimeConfig, pool: Pool, next: string, lang: string): Promise<void> {
  sessionStorage.setItem(POOL_KEY, pool);
  await manager(pool, cognito(config)[pool]).signinRedirect({ state: { next }, extraQueryParams: { lang } });
}

/** The callback: the code for tokens (PKCE), the ID token into the app's session. Returns
 * where to go next. */
export async function completeSignIn(config: RuntimeConfig, url: string): Promise<{ session: Session; next: string }> {
  const pool = sessionStorage.getItem(POOL_KEY) as Pool | null;
  if (pool !== "citizens" && pool !== "staff") throw new Error("no sign-in was started in this tab");
  const users = manager(pool, cognito(config)[pool]);
  const user = await users.signinCallback(url);
  if (!user?.id_token) throw new Error("Cognito returned no ID token");
  // The library keeps its user (the refresh token, in sessionStorage): what renews the session.
  sessionStorage.removeItem(POOL_KEY);
  const session = sessionFromIdToken(user.id_token, pool);
  if (!session) throw new Error("this account has no role in Rukhsa");
  signIn(session);
  const state = user.state as { next?: unknown } | undefined;
  const next = typeof state?.next === "string" && state.next.startsWith("/") && !state.next.startsWith("//")
    ? state.next : session.role === "citizen" ? "/applications" : "/staff";
  return { session, next };
}

/** A new ID token for the person signed in with `pool`, from the refresh token (Cognito's token
 * endpoint, grant_type=refresh_token); null when the session cannot go on: no refresh token in
 * this tab, Cognito refused it (past the app client's refresh-token validity, or revoked), or the
 * renewed token gives no role. Throws when Cognito could not be reached: worth trying again. */
export async function renewSession(config: RuntimeConfig, pool: Pool): Promise<Session | null> {
  const users = manager(pool, cognito(config)[pool]);
  // Without a refresh token the library would try an iframe: Cognito has no prompt=none.
  if (!(await users.getUser())?.refresh_token) return null;
  try {
    const user = await users.signinSilent();
    return user?.id_token ? sessionFromIdToken(user.id_token, pool) : null;
  } catch (error) {
    if (error instanceof ErrorResponse) return null; // the token endpoint's OAuth error: invalid_grant
    throw error;
  }
}

/** Revokes the refresh token of the person signed in with `pool` at Cognito's revocation
 * endpoint (and with it the tokens it gave): a copy taken from the tab renews nothing once the
 * person signed out. Throws when Cognito could not be reached or refused. */
export async function revokeSession(config: RuntimeConfig, pool: Pool): Promise<void> {
  await manager(pool, cognito(config)[pool]).revokeTokens(["refresh_token"]);
}
