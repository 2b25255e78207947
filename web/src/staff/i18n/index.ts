// The staff console's shared messages (its chrome: navigation, sign-in prompt, role names).
// Each area (officer, counter, admin) keeps its own catalogue beside its pages, in its own chunk.
import { translator, type Locale } from "../../i18n";
import ar from "./ar.json";
import en from "./en.json";

export type StaffKey = keyof typeof ar;
export const catalogues: Record<Locale, Record<StaffKey, string>> = { ar, en };
export const ts = translator<StaffKey>(catalogues, "staff");
