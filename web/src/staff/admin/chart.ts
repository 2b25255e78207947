// The geometry of the reports' bar charts: a "nice" axis maximum and its ticks, and where each
// stacked segment starts and ends. Pure: the SVG in Chart.tsx only draws what this computes.

/** The smallest of 1, 2, 2.5, 5 × 10^n that is at least `value` (0 stays 1: an empty chart
 * still has an axis). */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value - 1e-9) return step * power;
  }
  return 10 * power;
}

/** `count + 1` evenly spaced ticks from 0 to `max`, inclusive. */
export function ticks(max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (max * i) / count);
}

/** The value axis for data up to `largest`: `count` equal steps of a nice size (whole steps for
 * counts: no "0.25 applications" tick), and its maximum. */
export function axis(largest: number, integer: boolean, count = 4): { max: number; ticks: number[] } {
  let step = niceMax(largest / count);
  if (integer) step = Math.max(1, Math.ceil(step));
  return { max: step * count, ticks: ticks(step * count, count) };
}

export interface Segment {
  key: string;
  value: number;
  /** Offset and length along the value axis, in units of `width`. */
  start: number;
  length: number;
}

/** The segments of one stacked bar, scaled so that `max` spans `width`. Negative and missing
 * values draw nothing (a chart of counts and money has none; a bad value must not draw
 * backwards over its neighbours). */
export function stack(parts: { key: string; value: number }[], max: number, width: number): Segment[] {
  const scale = max > 0 ? width / max : 0;
  let at = 0;
  return parts.map((part) => {
    const value = Number.isFinite(part.value) && part.value > 0 ? part.value : 0;
    const segment = { key: part.key, value, start: at, length: value * scale };
    at += segment.length;
    return segment;
  });
}

/** The largest bar's total: the sum of its parts (only positive ones count). */
export function largestTotal(rows: { parts: { value: number }[] }[]): number {
  return Math.max(0, ...rows.map((row) => row.parts.reduce((sum, p) => sum + (p.value > 0 ? p.value : 0), 0)));
}
