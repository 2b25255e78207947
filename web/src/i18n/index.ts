// Message catalogues (ICU MessageFormat, Arabic plural categories) and the current language.
// Arabic is the default; English is one tap away and the choice persists on this device.
import { IntlMessageFormat } from "intl-messageformat";
import { useEffect, useState } from "preact/hooks";
import ar from "./ar.json";
import en from "./en.json";

export type Locale = "ar" | "en";
export type MessageKey = keyof typeof ar;
type Values = Record<string, string | number>;

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { ar, en };
// Number and date formatting locales: Egyptian Arabic writes Arabic-Indic digits.
export const FORMAT_LOCALE: Record<Locale, string> = { ar: "ar-EG", en: "en-GB" };
const STORAGE_KEY = "rukhsa.locale";

let current: Locale = readStoredLocale();
const listeners = new Set<(locale: Locale) => void>();
const compiled = new Map<string, IntlMessageFormat>();

function readStoredLocale(): Locale {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === "en" ? "en" : "ar";
  } catch {
    return "ar";
  }
}

export function locale(): Locale {
  return current;
}

/** A `t` over a catalogue of one's own: the staff console and the inspector keep their messages
 * in their own chunks, formatted (ICU, Arabic plurals, the current language) exactly as the
 * citizens' are. */
export function translator<K extends string>(catalogues: Record<Locale, Record<K, string>>, name: string) {
  return (key: K, values?: Values, forLocale: Locale = current): string => {
    const source = catalogues[forLocale][key];
    if (!values) return source;
    const cacheKey = `${name}\u0000${forLocale}\u0000${key}`;
    let format = compiled.get(cacheKey);
    if (!format) {
      format = new IntlMessageFormat(source, FORMAT_LOCALE[forLocale]);
      compiled.set(cacheKey, format);
    }
    return String(format.format(values));
  };
}

/** The message `key` in the current language, with ICU arguments filled in. */
export const t = translator<MessageKey>(CATALOGUES, "portal");

/** A bilingual pair from the API (`name_ar`/`name_en`) in the current language. */
export function pick(ar: string | undefined, en: string | undefined): string {
  return (current === "ar" ? ar || en : en || ar) ?? "";
}

/** Set <html lang dir> and tell every subscriber; the choice is kept on this device. */
export function setLocale(next: Locale): void {
  current = next;
  applyToDocument();
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  listeners.forEach((listener) => listener(next));
}

export function applyToDocument(): void {
  const root = document.documentElement;
  root.lang = current;
  root.dir = current === "ar" ? "rtl" : "ltr";
}

/** Re-render the calling component when the language changes. */
export function useLocale(): Locale {
  const [value, setValue] = useState(current);
  useEffect(() => {
    listeners.add(setValue);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}

export const catalogues = CATALOGUES;
