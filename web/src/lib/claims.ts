// From a Cognito ID token to the app's Session: the same reading as the API's
// (chalicelib/auth.py principal_from_claims), so the app shows what the API will allow.
import type { Pool } from "./runtimeConfig";
import type { Session } from "./session";

const STAFF_ROLES = ["admin", "officer", "clerk"] as const;
const DISTRICT_ROLES = ["officer", "clerk"];

/** The claims of a JWT, not verified: the browser only reads them; the API verifies. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (!payload) throw new Error("not a JWT");
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** When a token just received ends, on this device's clock (ms since the epoch): its lifetime
 * (exp - iat) from now, so that a phone or counter PC whose clock is off still keeps the token
 * its hour, neither ending it at once nor past its end. Without `iat`, its `exp` as written. */
export function endOnThisClock(claims: Record<string, unknown>, now = Date.now()): number | undefined {
  const { exp, iat } = claims;
  if (typeof exp !== "number") return undefined;
  return typeof iat === "number" && iat <= exp ? now + (exp - iat) * 1000 : exp * 1000;
}

/** The session an ID token of `pool` gives, or null when the API would refuse it: everyone
 * of the citizens' pool is a citizen; the staff's pool gives the first staff role among the
 * token's groups, and officers and clerks must carry their district. */
export function sessionFromIdToken(idToken: string, pool: Pool): Session | null {
  const claims = jwtClaims(idToken);
  const sub = typeof claims.sub === "string" ? claims.sub : "";
  const exp = typeof claims.exp === "number" ? claims.exp : 0;
  if (!sub || !exp || claims.token_use !== "id") return null;
  const groups = Array.isArray(claims["cognito:groups"]) ? claims["cognito:groups"] : [];
  const role = pool === "citizens" ? "citizen" : STAFF_ROLES.find((r) => groups.includes(r));
  if (!role) return null;
  const district = typeof claims["custom:district"] === "string" ? claims["custom:district"] : null;
  if (DISTRICT_ROLES.includes(role) && !district) return null;
  // Cognito writes the flag as a boolean in ID tokens; the local issuer too. "true" also passes.
  const verified = claims.phone_number_verified === true || claims.phone_number_verified === "true";
  // A citizen is known by the verified mobile (the API keys their applications by it).
  const mobile = pool === "citizens" && verified && typeof claims.phone_number === "string" ? claims.phone_number : null;
  return {
    token: idToken,
    role,
    sub: mobile ?? sub,
    district: DISTRICT_ROLES.includes(role) ? district : null,
    pool,
    expiresAt: endOnThisClock(claims),
  };
}
