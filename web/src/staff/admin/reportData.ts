// The report's figures shaped for charts and tables (and so for CSV): pure functions of the
// API's answers, with no labels; the pages add words in the current language.
import { daysBetween } from "./dates";

export interface FinanceRowIn {
  day: string;
  gateway: string;
  status: string;
  amount_piasters: number;
}

export interface RevenueTable {
  days: string[];
  channels: string[];
  /** day -> channel -> piasters paid */
  paid: Record<string, Record<string, number>>;
  totalByDay: Record<string, number>;
  total: number;
}

// The payment channels, in the order a reader expects them: the counter, then the gateways.
const CHANNEL_ORDER = ["counter", "paymob", "fawry", "sandbox"];

/** Paid amounts by Cairo day and channel, every day of the range present (a day with nothing
 * paid is a zero, not a gap: a gap would hide that the day happened). Only `paid` rows count:
 * a flagged, failed or refunded payment is not revenue. */
export function revenueByDayAndChannel(rows: FinanceRowIn[], from: string, to: string): RevenueTable {
  const paidRows = rows.filter((row) => row.status === "paid");
  const channels = [...new Set(paidRows.map((row) => row.gateway))].sort((a, b) => {
    const rank = (c: string) => (CHANNEL_ORDER.includes(c) ? CHANNEL_ORDER.indexOf(c) : CHANNEL_ORDER.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  const days = daysBetween(from, to);
  const paid: Record<string, Record<string, number>> = {};
  const totalByDay: Record<string, number> = {};
  for (const day of days) {
    paid[day] = Object.fromEntries(channels.map((channel) => [channel, 0]));
    totalByDay[day] = 0;
  }
  let total = 0;
  for (const row of paidRows) {
    if (!(row.day in paid)) continue; // outside the range asked for
    paid[row.day][row.gateway] += row.amount_piasters;
    totalByDay[row.day] += row.amount_piasters;
    total += row.amount_piasters;
  }
  return { days, channels, paid, totalByDay, total };
}

// Statuses grouped for the chart (the table keeps every status).
export const STATUS_GROUPS: Record<"open" | "issued" | "closed", string[]> = {
  open: ["submitted", "paid", "under_review", "returned", "approved", "licence_paid"],
  issued: ["issued"],
  closed: ["rejected", "cancelled"],
};

/** The statuses in workflow order, known ones first, any new one after (never dropped). */
export function statusColumns(byStatus: Record<string, number>): string[] {
  const known = Object.values(STATUS_GROUPS).flat();
  return [...known, ...Object.keys(byStatus).filter((s) => !known.includes(s)).sort()];
}

/** One district's applications in the chart's three groups. */
export function grouped(byStatus: Record<string, number>): Record<keyof typeof STATUS_GROUPS, number> {
  const known = Object.values(STATUS_GROUPS).flat();
  const sum = (statuses: string[]) => statuses.reduce((total, s) => total + (byStatus[s] ?? 0), 0);
  return {
    // A status the console does not know yet is still in progress somewhere: counted, not lost.
    open: sum(STATUS_GROUPS.open) + sum(Object.keys(byStatus).filter((s) => !known.includes(s))),
    issued: sum(STATUS_GROUPS.issued),
    closed: sum(STATUS_GROUPS.closed),
  };
}
