// Money, dates and search text, as people in Alexandria read them.
import { FORMAT_LOCALE, type Locale, locale } from "../i18n";

const CAIRO = "Africa/Cairo";

/** EGP from integer piasters (100 piasters = EGP 1). */
export function money(piasters: number, forLocale: Locale = locale()): string {
  return new Intl.NumberFormat(FORMAT_LOCALE[forLocale], {
    style: "currency",
    currency: "EGP",
    minimumFractionDigits: piasters % 100 === 0 ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(piasters / 100);
}

/** An instant (ISO 8601, stored in UTC) as a date and time in Cairo. */
export function dateTime(iso: string, forLocale: Locale = locale()): string {
  return new Intl.DateTimeFormat(FORMAT_LOCALE[forLocale], {
    timeZone: CAIRO,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(iso));
}

/** A business date (`YYYY-MM-DD`, already a Cairo calendar date): shown as is, never shifted. */
export function calendarDate(day: string, forLocale: Locale = locale()): string {
  return new Intl.DateTimeFormat(FORMAT_LOCALE[forLocale], {
    timeZone: "UTC",
    dateStyle: "long",
  }).format(new Date(`${day}T00:00:00Z`));
}

/** A code or number inside a translated sentence: isolated left to right (U+2066 … U+2069), so
 * that "ALX-EAST-2026-000123" keeps its order in Arabic text (a string has no <bdi>). */
export const isolated = (code: string): string => `\u2066${code}\u2069`;

/** The night a late fine was assessed for: its key (a fee line's code) is `late:YYYY-MM-DD`, a
 * Cairo date (chalicelib/domain/lifecycle.py). */
export const lateNight = (key: string | undefined | null): string | undefined =>
  /^late:(\d{4}-\d{2}-\d{2})$/.exec(key ?? "")?.[1];

/** Today's business date in Cairo, `YYYY-MM-DD` (comparable with the API's calendar dates). */
export function cairoToday(now: Date = new Date()): string {
  // en-CA writes ISO order (2026-12-01); the zone makes it Cairo's day, not the phone's.
  return new Intl.DateTimeFormat("en-CA", { timeZone: CAIRO, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** Plain digits in the current language (Arabic-Indic in Arabic), without grouping. */
export function digits(value: number, forLocale: Locale = locale()): string {
  return new Intl.NumberFormat(FORMAT_LOCALE[forLocale], { useGrouping: false,
    maximumFractionDigits: 7 }).format(value);
}

// Arabic diacritics (tashkeel), tatweel, and letter variants people type interchangeably.
const DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;

/** Text folded for searching: no diacritics, one alef, ta marbuta as ha, ya for alef maqsura. */
export function searchable(text: string): string {
  return text
    .normalize("NFC")
    .replace(DIACRITICS, "")
    .replace(/[إأآٱ]/g, "ا")
    .replace(/ة/g, "ه")
    .replace(/ى/g, "ي")
    .toLowerCase()
    .trim();
}

/** "East, Central and Gomrok" / "شرق ووسط والجمرك". */
export function list(items: string[], forLocale: Locale = locale()): string {
  return new Intl.ListFormat(FORMAT_LOCALE[forLocale], { type: "conjunction" }).format(items);
}

/** Between two facts on one line. A middle dot reads as the Arabic-Indic zero (٠) next to
 * Arabic digits, so Arabic uses its comma. */
export function separator(forLocale: Locale = locale()): string {
  return forLocale === "ar" ? "، " : " · ";
}
