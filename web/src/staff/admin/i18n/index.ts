// The administrator's messages (rollout, reports, finance): loaded with the admin pages' chunks
// only, formatted like every other catalogue (ICU, Arabic plurals, the current language).
import { translator, locale, type Locale } from "../../../i18n";
import ar from "./ar.json";
import en from "./en.json";

export type AdminKey = keyof typeof ar;
export const catalogues: Record<Locale, Record<AdminKey, string>> = { ar, en };
export const ta = translator<AdminKey>(catalogues, "admin");

/** The label of a code the API sends (a flag reason, a channel), the code itself until a
 * translation exists. */
export function codeLabel(prefix: "admin.flag" | "admin.channel" | "admin.payment", code: string): string {
  return catalogues[locale()][`${prefix}.${code}` as AdminKey] ?? code;
}
