// The signed-in person: a bearer token kept in sessionStorage (never localStorage), so it ends
// with the tab and is not shared between tabs.
import { useEffect, useState } from "preact/hooks";

export interface Session {
  token: string;
  role: "citizen" | "officer" | "clerk" | "admin";
  sub: string;
  district?: string | null;
}

const KEY = "rukhsa.session";
const listeners = new Set<(session: Session | null) => void>();

export function session(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
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
