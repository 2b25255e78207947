// The signed-in person: a bearer token kept in sessionStorage (never localStorage), so it ends
// with the tab and is not shared between tabs.
import { useEffect, useState } from "preact/hooks";

export interface Session {
  token: string;
  role: "citizen" | "officer" | "clerk" | "admin";
  sub: string;
  district?: string | null;
  /** The Cognito user pool that signed the person in (absent: the local stack's issuer). */
  pool?: "citizens" | "staff";
  /** When the token expires (ms since the epoch); past it the session is over. */
  expiresAt?: number;
}

const KEY = "rukhsa.session";
const listeners = new Set<(session: Session | null) => void>();

export function session(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    const value = raw ? (JSON.parse(raw) as Session) : null;
    // An expired token would only be refused by the API: sign in again instead.
    if (value?.expiresAt && value.expiresAt <= Date.now()) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return value;
  } catch {
    return null;
  }
}

export function signIn(value: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(value));
  listeners.forEach((listener) => listener(value));
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  listeners.forEach((listener) => listener(null));
}

export function useSession(): Session | null {
  const [value, setValue] = useState(session);
  useEffect(() => {
    listeners.add(setValue);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}
