// The counter's messages (the clerk's screens), loaded with the counter's chunks only.
import { translator, type Locale } from "../../../i18n";
import ar from "./ar.json";
import en from "./en.json";

export type CounterKey = keyof typeof ar;
export const catalogues: Record<Locale, Record<CounterKey, string>> = { ar, en };
export const tc = translator<CounterKey>(catalogues, "counter");
