// The counter's rules that need no screen: which services a clerk can enter, what a typed
// number at the "find" box names, cash typed in pounds, where the API's field errors go on the
// one-page walk-in form, and how a presigned upload is sent. Pure: tested by counter.test.ts.
import type { District, Service } from "../../api/client";
import type { FieldError } from "../../components/ErrorSummary";
import { liveDistricts } from "../../lib/catalogue";
import { normaliseDigits } from "../../lib/digits";
import { locate } from "../../pages/apply/draft";

/** The services a clerk enters at the counter of `district`: live there (as the citizens'
 * portal decides it), and not renewals (the API takes those from the licence itself). In the
 * catalogue's order. */
export function counterServices(services: Service[], districts: District[],
  district: string | null | undefined): Service[] {
  if (!district) return [];
  return services.filter((service) => service.case !== "renewal"
    && liveDistricts(service, districts).some((live) => live.code === district));
}

export type Lookup =
  | { kind: "application"; id: string }
  | { kind: "licence"; number: string }
  | { kind: "unknown" };

// Licence numbers as issued: ALX-EAST-2026-000123 (issuance.md). Application references are the
// 32 hexadecimal characters the API gives (shown on the confirmation and the receipt).
const LICENCE_NUMBER = /^ALX-[A-Z0-9]+-\d{4}-\d{1,9}$/;
const APPLICATION_ID = /^[0-9a-f]{32}$/;

/** What the clerk typed in "find": an application reference or a licence number, in any digits,
 * with stray spaces, any case. */
export function lookup(typed: string): Lookup {
  const text = normaliseDigits(typed).replace(/\s+/g, "");
  if (LICENCE_NUMBER.test(text.toUpperCase())) return { kind: "licence", number: text.toUpperCase() };
  if (APPLICATION_ID.test(text.toLowerCase())) return { kind: "application", id: text.toLowerCase() };
  return { kind: "unknown" };
}

/** Cash counted in pounds (as typed: Arabic-Indic digits, "٫" or "." or "," for piasters) as
 * integer piasters; null when it is not an amount of money (negative, more than two decimals). */
export function piastersFromPounds(typed: string): number | null {
  const text = normaliseDigits(typed).replace(/\s+/g, "").replace(/,/g, ".");
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const pounds = Number(match[1]);
  const piasters = Number((match[2] ?? "").padEnd(2, "0"));
  const total = pounds * 100 + piasters;
  return Number.isSafeInteger(total) ? total : null;
}

/** The drawer's verdict on a count: balanced, over (more cash than taken) or short. */
export function drawerBalance(differencePiasters: number): "balanced" | "over" | "short" {
  if (differencePiasters === 0) return "balanced";
  return differencePiasters > 0 ? "over" : "short";
}

/** The walk-in form is one page: the API's field errors (`applicant.mobile`, `site.lat`,
 * `details.faces`) go onto their inputs there; anything with no input on the form (the
 * district, the service) goes to the summary, pointing at the send button. */
export function walkInErrors(fields: Record<string, string>): { byInput: Record<string, string>; summary: FieldError[] } {
  const byInput: Record<string, string> = {};
  const summary: FieldError[] = [];
  for (const [path, message] of Object.entries(fields)) {
    const place = locate(path);
    const onForm = place && place.step !== "district" && place.step !== "check";
    if (onForm) byInput[place.id] = message;
    summary.push({ target: onForm ? place.id : "walk-in-submit", message });
  }
  return { byInput, summary };
}

/** A presigned S3 POST as the browser sends it: every policy field, then the file last (S3
 * ignores fields after the file). */
export function uploadForm(fields: Record<string, string>, file: Blob, fileName: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", file, fileName);
  return form;
}

/** The content type to declare for a scanned file: the browser's, or one the slot accepts
 * guessed from the name's extension when the browser gives none. */
export function contentTypeOf(file: { type: string; name: string }, accepted: string[]): string {
  if (file.type) return file.type;
  const extension = file.name.toLowerCase().split(".").pop() ?? "";
  const byExtension: Record<string, string> = { pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png" };
  return byExtension[extension] ?? accepted[0] ?? "application/octet-stream";
}
