// How this deployment signs people in, read at run time from /config.json: the same build
// serves the local stack (devstack/front.py answers {"auth": {"mode": "local"}}) and AWS (the
// CDK stack writes the user pools' values there, infra/stack.py `_runtime_config`).

/** One Cognito user pool and the web app's client of it (managed login, code + PKCE). */
export interface PoolConfig {
  issuer: string; // https://cognito-idp.<region>.amazonaws.com/<pool id>
  domain: string; // https://<prefix>.auth.<region>.amazoncognito.com (managed login)
  clientId: string;
}

export type Pool = "citizens" | "staff";

export type AuthConfig =
  | { mode: "local" }
  | { mode: "cognito"; citizens: PoolConfig; staff: PoolConfig };

export interface RuntimeConfig {
  auth: AuthConfig;
}

export const LOCAL: RuntimeConfig = { auth: { mode: "local" } };

const https = (value: unknown): value is string =>
  typeof value === "string" && /^https:\/\/[^\s/]+(\/\S*)?$/.test(value);

function pool(value: unknown, name: Pool): PoolConfig {
  const p = (value ?? {}) as Record<string, unknown>;
  if (!https(p.issuer) || !https(p.domain) || typeof p.clientId !== "string" || !p.clientId) {
    throw new Error(`config.json: auth.${name} needs an https issuer and domain and a clientId`);
  }
  return { issuer: p.issuer, domain: p.domain.replace(/\/+$/, ""), clientId: p.clientId };
}

/** The checked config; throws on a config that names Cognito but is incomplete (a broken
 * deployment must not quietly fall back to the local sign-in). */
export function parseRuntimeConfig(raw: unknown): RuntimeConfig {
  const auth = (raw as { auth?: Record<string, unknown> } | null)?.auth;
  if (auth?.mode === "local") return LOCAL;
  if (auth?.mode === "cognito") {
    return { auth: { mode: "cognito", citizens: pool(auth.citizens, "citizens"), staff: pool(auth.staff, "staff") } };
  }
  throw new Error("config.json: auth.mode must be local or cognito");
}

let loaded: Promise<RuntimeConfig> | undefined;

/** /config.json, fetched once per page load. No file at all (404: Vite's dev server) is the
 * local stack; the local sign-in needs the API's dev tokens, which AWS refuses anyway. */
export function runtimeConfig(fetcher: typeof fetch = fetch): Promise<RuntimeConfig> {
  loaded ??= fetcher("/config.json", { cache: "no-cache" }).then(async (response) => {
    if (response.status === 404) return LOCAL;
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    return parseRuntimeConfig(await response.json());
  });
  loaded.catch(() => (loaded = undefined)); // a failed load is tried again next time
  return loaded;
}

/** Cognito's managed login sign-out (not OIDC's end_session: Cognito names it `logout` and
 * takes `logout_uri`), coming back to the directory. */
export function logoutUrl(config: RuntimeConfig, pool: Pool, origin: string): string | null {
  if (config.auth.mode !== "cognito") return null;
  const { domain, clientId } = config.auth[pool];
  const query = new URLSearchParams({ client_id: clientId, logout_uri: `${origin}/` });
  return `${domain}/logout?${query}`;
}
