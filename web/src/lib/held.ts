// A form's unsent answers, held when the session ends under the person (lib/session.ts
// endSession) and given back once, when the same person has signed in again and is back on the
// same page. Only then: a form is otherwise kept in memory, as before (the counter's computer is
// shared, and the next citizen starts afresh), and signing out drops whatever was held.
import { useEffect, useRef, useState, type Dispatch, type StateUpdater } from "preact/hooks";
import { HELD_PREFIX, onSessionEnd, session } from "./session";

interface Held<T> {
  owner: string;
  value: T;
}

const keyOf = (name: string) => `${HELD_PREFIX}${location.pathname}#${name}`;

/** What `owner` left in the form `name` of this page, taken out of storage (another person's
 * answers are dropped, never shown). */
export function takeHeld<T>(name: string, owner: string | undefined): T | undefined {
  const key = keyOf(name);
  const raw = sessionStorage.getItem(key);
  if (raw === null) return undefined;
  sessionStorage.removeItem(key);
  try {
    const held = JSON.parse(raw) as Held<T>;
    return owner !== undefined && held.owner === owner ? held.value : undefined;
  } catch {
    return undefined;
  }
}

/** Keep `value()` under `name` for `owner`. */
export function hold<T>(name: string, owner: string, value: T): void {
  sessionStorage.setItem(keyOf(name), JSON.stringify({ owner, value } satisfies Held<T>));
}

/** useState for a form's answers (name: unique on the page): held when the session ends while
 * the form is open and `touched` says something was typed; given back when the person returns. */
export function useHeldState<T>(name: string, initial: () => T, touched: (value: T) => boolean): [T, Dispatch<StateUpdater<T>>] {
  const [value, setValue] = useState<T>(() => takeHeld<T>(name, session()?.sub) ?? initial());
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => onSessionEnd((person) => {
    if (!touched(latest.current)) return false;
    hold(name, person.sub, latest.current);
    return true;
  }), [name]);
  return [value, setValue];
}

/** A form whose answers are strings (a choice, a reason): useHeldState over them, held when any
 * is filled in. Returns the answers, a setter per field, and a reset. */
export function useHeldAnswers<K extends string>(name: string, empty: Record<K, string>) {
  const [answers, setAnswers] = useHeldState(name, () => empty,
    (value) => Object.values<string>(value).some((answer) => answer.trim() !== ""));
  const set = (field: K) => (value: string) => setAnswers((previous) => ({ ...previous, [field]: value }));
  return [answers, set, () => setAnswers(empty)] as const;
}
