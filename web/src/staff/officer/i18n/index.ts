// The officer's screens' messages, in the officer chunks only (never in the citizen shell).
import { catalogues as shared, translator, type Locale } from "../../../i18n";
import ar from "./ar.json";
import en from "./en.json";

export type OfficerKey = keyof typeof ar;
export const catalogues: Record<Locale, Record<OfficerKey, string>> = { ar, en };
export const to = translator<OfficerKey>(catalogues, "officer");

/** A label for a code (an audit action, a document slot): from this catalogue, else the
 * citizens' (statuses), else the code itself until a translation exists. */
export function codeLabel(prefix: string, code: string, locale: Locale): string {
  const key = `${prefix}.${code}`;
  return (catalogues[locale] as Record<string, string>)[key]
    ?? (shared[locale] as Record<string, string>)[key] ?? code.replace(/_/g, " ");
}
