// Keeping a session alive while the person is at work. The ID token lasts an hour (both app
// clients, infra/stack.py). A minute before it ends, someone who did anything lately (IDLE_LIMIT_MS)
// gets a new one from the refresh token (Cognito's token endpoint, by lib/cognito.ts, loaded only
// then); an API call made that close to the end waits for the new token first. Someone idle
// longer is signed out at expiry. A session that cannot be renewed (the refresh token expired,
// after the app client's validity, or was revoked; the local issuer, which has none) ends at
// expiry: the open forms hold their answers (lib/held.ts) and the sign-in page says why and
// brings the person back to the page.
import { endSession, onSessionChange, renewable, signIn, storedSession, type Session } from "./session";

/** The token is renewed this long before it expires. */
export const RENEW_BEFORE_MS = 60_000;
/** Someone who has done nothing for this long is not kept signed in. Staff: an hour (counter and
 * office screens are shared, and an unattended console must not stay signed in for the rest of
 * the working day). Citizens: a day (their own phone, and each sign-in costs an SMS code). */
export const IDLE_LIMIT_MS: Record<"citizen" | "staff", number> = { citizen: 24 * 60 * 60_000, staff: 60 * 60_000 };
/** After a failed attempt to reach Cognito (offline, not a refusal), tried again after this. */
export const RETRY_MS = 60_000;
// A longer setTimeout fires at once (a 32-bit signed count of milliseconds).
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export type Step = { wait: number } | "renew" | "end";

/** What to do about `person`'s token at `now`, given when they last did something. */
export function nextStep(person: Session, now: number, lastActive: number, canRenew: boolean): Step {
  if (person.expiresAt === undefined) return { wait: Infinity };
  const renewAt = person.expiresAt - RENEW_BEFORE_MS;
  if (now < renewAt) return { wait: renewAt - now };
  const idleLimit = IDLE_LIMIT_MS[person.role === "citizen" ? "citizen" : "staff"];
  if (canRenew && now - lastActive < idleLimit) return "renew";
  if (now < person.expiresAt) return { wait: person.expiresAt - now };
  return "end";
}

let lastActive = Date.now();
let timer: ReturnType<typeof setTimeout> | undefined;
let renewing: Promise<Session | null> | undefined;

/** A new token from the refresh token: the session it gives, or null when Cognito refused and
 * the session is over. Unreachable, the current session stays and it is tried again later. */
function renew(person: Session): Promise<Session | null> {
  renewing ??= (async () => {
    try {
      const [{ runtimeConfig }, { renewSession }] = await Promise.all([import("./runtimeConfig"), import("./cognito")]);
      const fresh = await renewSession(await runtimeConfig(), person.pool!);
      if (!fresh || fresh.sub !== person.sub) {
        endSession();
        return null;
      }
      signIn(fresh);
      return fresh;
    } catch {
      clearTimeout(timer);
      timer = setTimeout(check, RETRY_MS);
      return storedSession();
    } finally {
      renewing = undefined;
    }
  })();
  return renewing;
}

/** Acts on the stored session's next step and sets the timer for the one after. */
function check(): void {
  clearTimeout(timer);
  const person = storedSession();
  if (!person) return;
  const step = nextStep(person, Date.now(), lastActive, renewable(person));
  if (step === "end") return endSession();
  if (step === "renew") return void renew(person);
  if (step.wait !== Infinity) timer = setTimeout(check, Math.min(step.wait, LONGEST_TIMER_MS));
}

/** The session to call the API with: renewed first when its token is about to end and the
 * person is active, or null when there is none any more. A call is not activity in itself: a
 * page that polls (a payment awaited) must not keep an unattended screen signed in. */
export async function freshSession(): Promise<Session | null> {
  const person = storedSession();
  if (!person) return null;
  const step = nextStep(person, Date.now(), lastActive, renewable(person));
  if (step === "renew") return renew(person);
  if (step === "end") {
    endSession();
    return null;
  }
  return person;
}

/** The API refused `token` (401): revoked, or the clocks disagree. Renewed once if it is still
 * the session's token; null when there is no other token to try. */
export async function renewAfterRefusal(token: string): Promise<Session | null> {
  const person = storedSession();
  if (!person || person.token !== token || !renewable(person)) return null;
  const fresh = await renew(person);
  return fresh && fresh.token !== token ? fresh : null;
}

/** Start watching: what the person does, and each session's expiry. Once, at start-up. */
export function watchSession(): void {
  const active = () => void (lastActive = Date.now());
  for (const type of ["pointerdown", "keydown", "wheel", "scroll"]) {
    addEventListener(type, active, { capture: true, passive: true });
  }
  // Back to a tab whose timers the browser slowed: look again at once.
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && check());
  onSessionChange(check);
  check();
}
