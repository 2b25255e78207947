// The verdict an inspector sees, from a verified seal and the cached status list: the same
// outcomes as the public page (genuine and valid / suspended / revoked / expired / not genuine),
// plus "cannot confirm" when the list is missing, invalid or older than the maximum age.
import type { SealClaims, SealResult } from "./seal";
import type { ListedStatus, StatusList } from "./statusList";

export const MAX_LIST_AGE_HOURS = Number(import.meta.env.VITE_STATUS_LIST_MAX_AGE_HOURS ?? 24);

export type Verdict =
  | { kind: "not_genuine"; reason: string }
  | { kind: "valid" | "expired" | "not_yet_valid" | "cannot_confirm" | ListedStatus; claims: SealClaims };

/** Today's date in Cairo (the seal's days are Africa/Cairo business dates). */
export function cairoDate(now: Date): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Africa/Cairo" }).format(now);
}

export function listIsUsable(list: StatusList | null, now: Date, maxAgeHours = MAX_LIST_AGE_HOURS): boolean {
  if (!list) return false;
  const ageMs = now.getTime() - list.issuedAt.getTime();
  return ageMs <= maxAgeHours * 3_600_000 && now <= list.validUntil;
}

export function verdictOf(seal: SealResult, list: StatusList | null, now: Date,
  maxAgeHours = MAX_LIST_AGE_HOURS): Verdict {
  if (!seal.ok) return { kind: "not_genuine", reason: seal.reason };
  const claims = seal.claims;
  const listed = list?.statuses.get(claims.number);
  // A listed revocation or suspension is news even in an old list: say it rather than hide it.
  if (listed === "revoked" || listed === "suspended" || listed === "superseded") return { kind: listed, claims };
  const today = cairoDate(now);
  if (today > claims.validUntil || listed === "expired") return { kind: "expired", claims };
  if (today < claims.validFrom) return { kind: "not_yet_valid", claims };
  if (!listIsUsable(list, now, maxAgeHours)) return { kind: "cannot_confirm", claims };
  return { kind: "valid", claims };
}
