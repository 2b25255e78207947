// What the pin says about the district: the API locates the point (GET /v1/districts/locate)
// against the boundaries it holds; this decides what the site step does with the answer.

export interface Located {
  /** The district whose boundary covers the point; null where no boundary we hold covers it. */
  district: { code: string; name_ar: string; name_en: string } | null;
}

export type PinVerdict =
  | { kind: "fill"; code: string } // a live district of this service: the district is set from the pin
  | { kind: "not-live"; code: string } // a district where the service is not online yet
  | { kind: "governorate" } // inside Alexandria, no district boundary held there: the choice stands
  | { kind: "outside" }; // not in Alexandria: the API will refuse the site

/** `located` is undefined when the API said 404 (outside the governorate). */
export function pinVerdict(located: Located | undefined, liveCodes: string[]): PinVerdict {
  if (!located) return { kind: "outside" };
  if (!located.district) return { kind: "governorate" };
  const code = located.district.code;
  return liveCodes.includes(code) ? { kind: "fill", code } : { kind: "not-live", code };
}
