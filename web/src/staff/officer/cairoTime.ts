// An inspection's time as the officer picks it (a wall-clock time in Alexandria, from an
// <input type="datetime-local">) turned into the ISO instant with its zone the API requires.
// Egypt keeps summer time again since 2023, so the offset depends on the date.

const OFFSET = /GMT([+-])(\d{2}):?(\d{2})?/;

/** Cairo's offset from UTC, in minutes, at an instant. */
export function cairoOffsetMinutes(instant: number): number {
  const name = new Intl.DateTimeFormat("en-US", { timeZone: "Africa/Cairo", timeZoneName: "longOffset" })
    .formatToParts(new Date(instant)).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = OFFSET.exec(name);
  if (!match) return 0; // "GMT" alone: no offset
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === "-" ? -minutes : minutes;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** "2026-12-10T10:00" (Cairo wall time) -> "2026-12-10T10:00:00+02:00"; undefined when the
 * value is not such a time (an empty or half-filled input). */
export function cairoWallTimeToIso(local: string): string | undefined {
  const match = LOCAL.exec(local.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The offset at the instant meant: guessed from the wall time, then checked once more.
  let offset = cairoOffsetMinutes(asUtc);
  offset = cairoOffsetMinutes(asUtc - offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
