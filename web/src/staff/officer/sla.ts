// The service-level clock of the district queue: how long an application has waited for the
// district, in Cairo working days, against the service's `expected_days` in the catalogue
// ("expected working days from payment to issue"). Pure: the queue page passes `now`.

/** The statuses in which the district is the one to act, so the clock runs. */
const DISTRICT_TURN = new Set(["paid", "under_review", "approved", "licence_paid"]);
// Egypt's weekend: Friday and Saturday (Date.getUTCDay numbering).
const WEEKEND = new Set([5, 6]);
const DAY_MS = 86_400_000;
const cairoDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Africa/Cairo", year: "numeric",
  month: "2-digit", day: "2-digit" });

export type SlaState = "on_time" | "due_soon" | "late";

export interface Sla {
  state: SlaState;
  /** Working days the application has waited since the clock started. */
  elapsed: number;
  /** Working days left before it is late (negative: how late it is). */
  remaining: number;
  expected: number;
}

interface Waiting {
  status: string;
  created_at: string;
  timeline: { status: string; at: string }[];
}

/** The Cairo calendar date (YYYY-MM-DD) of an instant. */
export function cairoDate(instant: string | Date): string {
  return cairoDay.format(typeof instant === "string" ? new Date(instant) : instant);
}

/** Working days (Sunday to Thursday) after `fromDay` up to and including `toDay`; 0 when
 * `toDay` is not after `fromDay`. Public holidays are not known to the catalogue: not counted. */
export function workingDaysBetween(fromDay: string, toDay: string): number {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const to = Date.parse(`${toDay}T00:00:00Z`);
  let count = 0;
  for (let day = from + DAY_MS; day <= to; day += DAY_MS) {
    if (!WEEKEND.has(new Date(day).getUTCDay())) count += 1;
  }
  return count;
}

/** When the clock started: the first payment of the application fees (the catalogue counts
 * from payment); review starting, or submission, when the timeline has no payment. */
export function clockStart(application: Waiting): string {
  const paid = application.timeline.find((entry) => entry.status === "paid")
    ?? application.timeline.find((entry) => entry.status === "under_review");
  return paid?.at ?? application.created_at;
}

/** "Due soon" is the last fifth of the expected time, and at least the last working day. */
export function dueSoonWindow(expected: number): number {
  return Math.max(1, Math.ceil(expected / 5));
}

export function classify(elapsed: number, expected: number): Sla {
  const remaining = expected - elapsed;
  const state: SlaState = remaining < 0 ? "late" : remaining <= dueSoonWindow(expected) ? "due_soon" : "on_time";
  return { state, elapsed, remaining, expected };
}

/** The application's place against its service's expected days; undefined when the clock does
 * not run (awaiting payment, returned to the citizen, decided) or the service states no time. */
export function slaOf(application: Waiting, expectedDays: number | undefined, now: Date): Sla | undefined {
  if (!DISTRICT_TURN.has(application.status) || !expectedDays || expectedDays <= 0) return undefined;
  const elapsed = workingDaysBetween(cairoDate(clockStart(application)), cairoDate(now));
  return classify(elapsed, expectedDays);
}
