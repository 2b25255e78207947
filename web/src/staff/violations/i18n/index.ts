// The officers' violation reports: messages loaded with this area's chunk only.
import { translator, type Locale } from "../../../i18n";
import ar from "./ar.json";
import en from "./en.json";

export type ViolationsKey = keyof typeof ar;
export const catalogues: Record<Locale, Record<ViolationsKey, string>> = { ar, en };
export const tv = translator<ViolationsKey>(catalogues, "staff-violations");
