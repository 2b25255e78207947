// The application being filled in, one per service, kept in sessionStorage so that a reload or
// a trip back through the steps loses nothing. Values are kept as typed; they are turned into
// the API's types only when sending.
import type { ApplicationIn, FieldSpec, Licence, Service } from "../../api/client";
import { normaliseDigits, parseDecimal, parseWhole } from "../../lib/digits";
import { fieldSpecs } from "../../lib/catalogue";

export interface Draft {
  district: string;
  applicant: { name: string; national_id: string; mobile: string };
  site: { lat: string; lng: string; address: string };
  details: Record<string, string>;
  /** The API's field errors from the last send, by field path (e.g. "applicant.mobile"). */
  errors: Record<string, string>;
}

export const STEPS = ["district", "applicant", "site", "details", "check"] as const;
export type Step = (typeof STEPS)[number];

const key = (serviceCode: string) => `rukhsa.draft.${serviceCode}`;

export function emptyDraft(): Draft {
  return { district: "", applicant: { name: "", national_id: "", mobile: "" },
    site: { lat: "", lng: "", address: "" }, details: {}, errors: {} };
}

export function loadDraft(serviceCode: string): Draft {
  try {
    const raw = sessionStorage.getItem(key(serviceCode));
    return raw ? { ...emptyDraft(), ...(JSON.parse(raw) as Draft) } : emptyDraft();
  } catch {
    return emptyDraft();
  }
}

export function saveDraft(serviceCode: string, draft: Draft): void {
  sessionStorage.setItem(key(serviceCode), JSON.stringify(draft));
}

export function clearDraft(serviceCode: string): void {
  sessionStorage.removeItem(key(serviceCode));
}

// The catalogue's field naming the licence an amendment, transfer or duplicate replaces.
export const REPLACED_LICENCE_FIELD = "licence_number";

/** A draft started from the licence it replaces (its "amend" or "duplicate" button): the
 * licence's number, district, holder and site, every one still the citizen's to change; the
 * API checks the number and what goes with it (domain/replacement.py). */
export function draftReplacing(licence: Licence): Draft {
  const draft = emptyDraft();
  draft.district = licence.district;
  draft.applicant = {
    name: licence.holder.name ?? "",
    national_id: licence.holder.national_id ?? "",
    // Kept as E.164 (+201…); the form asks for it as dialled in Egypt (01…).
    mobile: (licence.holder.mobile ?? "").replace(/^\+20(?=1\d{9}$)/, "0"),
  };
  const { lat, lng, address } = licence.site;
  draft.site = { lat: lat == null ? "" : String(lat), lng: lng == null ? "" : String(lng), address: address ?? "" };
  draft.details = { [REPLACED_LICENCE_FIELD]: licence.number };
  return draft;
}

/** The steps this service needs: no details step when the catalogue asks for none. */
export function stepsFor(service: Service): Step[] {
  return STEPS.filter((step) => step !== "details" || fieldSpecs(service).length > 0);
}

/** Which step asks for an API field path, and the id of its input. */
export function locate(path: string): { step: Step; id: string } | undefined {
  if (path === "district") return { step: "district", id: "district" };
  const [head, name] = path.split(".", 2);
  if (head === "applicant") return { step: "applicant", id: `applicant-${name ?? "name"}` };
  if (head === "site") return { step: "site", id: `site-${name ?? "lat"}` };
  if (head === "details") return { step: "details", id: name ? `details-${name}` : "details" };
  return undefined;
}

function detailValue(field: FieldSpec, raw: string | undefined): unknown {
  const typed = (raw ?? "").trim();
  if (field.type === "boolean") return typed === "" ? undefined : typed === "true";
  if (typed === "") return undefined;
  // Unparsable numbers go as typed: the API says what is wrong with them, on the field.
  if (field.type === "number") return parseDecimal(typed) ?? normaliseDigits(typed);
  if (field.type === "integer") return parseWhole(typed) ?? normaliseDigits(typed);
  return typed;
}

/** The POST /v1/applications body, every digit normalised to ASCII. */
export function toRequest(service: Service, draft: Draft): ApplicationIn {
  const details: Record<string, unknown> = {};
  for (const field of fieldSpecs(service)) {
    const value = detailValue(field, draft.details[field.name]);
    if (value !== undefined) details[field.name] = value;
  }
  return {
    service_code: service.code,
    district: draft.district,
    applicant: {
      name: draft.applicant.name.trim(),
      national_id: normaliseDigits(draft.applicant.national_id),
      mobile: normaliseDigits(draft.applicant.mobile),
    },
    site: {
      lat: parseDecimal(draft.site.lat) ?? Number.NaN,
      lng: parseDecimal(draft.site.lng) ?? Number.NaN,
      address: draft.site.address.trim(),
    },
    // The document types `details` as an open object; its fields are the catalogue's.
    details: details as ApplicationIn["details"],
  };
}
