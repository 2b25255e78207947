// The inspector's own message catalogue: loaded with its chunk, never in the citizen shell.
import { FORMAT_LOCALE, locale, type Locale } from "../../i18n";
import ar from "./ar.json";
import en from "./en.json";

export type InspectKey = keyof typeof ar;
const CATALOGUES: Record<Locale, Record<InspectKey, string>> = { ar, en };

export function ti(key: InspectKey, values: Record<string, string | number> = {}): string {
  const digits = new Intl.NumberFormat(FORMAT_LOCALE[locale()]);  // Arabic-Indic digits in Arabic
  return CATALOGUES[locale()][key].replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name] ?? "";
    return typeof value === "number" ? digits.format(value) : value;
  });
}

export const catalogues = CATALOGUES;
