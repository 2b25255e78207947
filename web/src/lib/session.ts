// The signed-in person: a bearer token kept in sessionStorage (never localStorage), so it ends
// with the tab and is not shared between tabs. With Cognito the OIDC client's own record (the
// refresh token, lib/cognito.ts) sits beside it under OIDC_PREFIX, in sessionStorage too.
import { useEffect, useState } from "preact/hooks";

export interface Session {
  token: string;
  role: "citizen" | "officer" | "clerk" | "admin";
  sub: string;
  district?: string | null;
  /** The Cognito user pool that signed the person in (absent: the local stack's issuer). */
  pool?: "citizens" | "staff";
  /** When the token expires (ms since the epoch); past it the token must be renewed (lib/renewal.ts) or the session is over. */
  expiresAt?: number;
}

/** How a session that ended under the person ended: the sign-in page says so. */
export interface Ended {
  /** How many forms were holding unsent answers (lib/held.ts), given back after signing in. */
  held: number;
}

const KEY = "rukhsa.session";
const ENDED_KEY = "rukhsa.session.ended";
/** oidc-client-ts's store (lib/cognito.ts): the PKCE state and the user with its refresh token. */
export const OIDC_PREFIX = "rukhsa.oidc.";
/** Forms' unsent answers held when a session ended (lib/held.ts). */
export const HELD_PREFIX = "rukhsa.held.";
const listeners = new Set<(session: Session | null) => void>();
const holders = new Set<(person: Session) => boolean>();

/** The stored session, expired or not. */
export function storedSession(): Session | null {
  return stored<Session>(KEY);
}

/** Whether a refresh token can renew this session (Cognito's; the local issuer has none). */
export function renewable(value: Session): boolean {
  return !!value.pool && storedKeys().some((key) => key.startsWith(`${OIDC_PREFIX}${value.pool}.user:`));
}

/** The person, while the token lasts or can be renewed. An expired token that cannot be renewed
 * (the local issuer's) would only be refused by the API: the session is over, and the sign-in
 * page says why. */
export function session(): Session | null {
  const value = storedSession();
  if (value?.expiresAt && value.expiresAt <= Date.now() && !renewable(value)) {
    forget();
    sessionStorage.setItem(ENDED_KEY, JSON.stringify({ held: 0 } satisfies Ended));
    return null;
  }
  return value;
}

export function signIn(value: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(value));
  sessionStorage.removeItem(ENDED_KEY);
  listeners.forEach((listener) => listener(value));
}

/** The person left: nothing of theirs stays in the tab, no refresh token, no held answers. */
export function signOut(): void {
  forget();
  for (const key of storedKeys()) if (key.startsWith(HELD_PREFIX)) sessionStorage.removeItem(key);
  sessionStorage.removeItem(ENDED_KEY);
  listeners.forEach((listener) => listener(null));
}

/** The session ended under the person (the token expired and could not be renewed): the open
 * forms hold their answers first, then the pages' guards send the person to sign in again. */
export function endSession(): void {
  const person = storedSession();
  if (!person) return;
  let held = 0;
  holders.forEach((hold) => (held += hold(person) ? 1 : 0));
  forget();
  sessionStorage.setItem(ENDED_KEY, JSON.stringify({ held } satisfies Ended));
  listeners.forEach((listener) => listener(null));
}

/** Why the last session ended, if it ended under the person rather than by signing out. */
export function sessionEnded(): Ended | null {
  return stored<Ended>(ENDED_KEY);
}

/** Run `hold` when the session ends under the person (it returns whether it kept anything);
 * returns the unsubscribe. */
export function onSessionEnd(hold: (person: Session) => boolean): () => void {
  holders.add(hold);
  return () => void holders.delete(hold);
}

export function onSessionChange(listener: (session: Session | null) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export function useSession(): Session | null {
  const [value, setValue] = useState(session);
  useEffect(() => onSessionChange(setValue), []);
  return value;
}

function stored<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

function storedKeys(): string[] {
  return Array.from({ length: sessionStorage.length }, (_, index) => sessionStorage.key(index) ?? "");
}

/** The token and the refresh token go; a sign-in under way (its PKCE state) stays. */
function forget(): void {
  sessionStorage.removeItem(KEY);
  for (const key of storedKeys()) if (/^rukhsa\.oidc\.(citizens|staff)\.user:/.test(key)) sessionStorage.removeItem(key);
}
