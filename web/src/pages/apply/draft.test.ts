import { describe, expect, it } from "vitest";
import type { Licence, Service } from "../../api/client";
import { draftReplacing, emptyDraft, locate, stepsFor, toRequest } from "./draft";

const advertisement = {
  code: "advertisement-first", kind: "advertisement", case: "first", name_ar: "ترخيص إعلان",
  name_en: "Advertisement licence", fees: [], validity_months: 12, districts: ["EAST"],
  required_fields: [
    { name: "sign_type", type: "enum", label_ar: "", label_en: "", choices: ["wall"] },
    { name: "sign_width_m", type: "number", label_ar: "", label_en: "" },
    { name: "faces", type: "integer", label_ar: "", label_en: "" },
    { name: "lit", type: "boolean", label_ar: "", label_en: "" },
  ],
} as unknown as Service;

describe("the application sent to the API", () => {
  it("normalises every digit and types the details as the catalogue says", () => {
    const draft = emptyDraft();
    draft.district = "EAST";
    draft.applicant = { name: " محمد أحمد علي ", national_id: "٢٩٠٠١٠١٠٢٠١٢٣٤", mobile: "٠١٠١٢٣٤٥٦٧٨" };
    draft.site = { lat: "٣١٫٢٠٨٩", lng: "29.9092", address: "12 شارع فؤاد" };
    draft.details = { sign_type: "wall", sign_width_m: "٣٫٥", faces: "١", lit: "false" };
    expect(toRequest(advertisement, draft)).toEqual({
      service_code: "advertisement-first", district: "EAST",
      applicant: { name: "محمد أحمد علي", national_id: "29001010201234", mobile: "01012345678" },
      site: { lat: 31.2089, lng: 29.9092, address: "12 شارع فؤاد" },
      details: { sign_type: "wall", sign_width_m: 3.5, faces: 1, lit: false },
    });
  });

  it("sends an unreadable number as typed, so that the API names what is wrong", () => {
    const draft = emptyDraft();
    draft.details = { faces: "٢ وجه" };
    expect(toRequest(advertisement, draft).details).toEqual({ faces: "2 وجه" });
  });

  it("finds the page and the input of each field the API names", () => {
    expect(locate("applicant.mobile")).toEqual({ step: "applicant", id: "applicant-mobile" });
    expect(locate("site")).toEqual({ step: "site", id: "site-lat" });
    expect(locate("details.faces")).toEqual({ step: "details", id: "details-faces" });
    expect(locate("service_code")).toBeUndefined();
    expect(stepsFor(advertisement)).toEqual(["district", "applicant", "site", "details", "check"]);
  });
});

describe("a draft started from the licence it replaces", () => {
  const licence = {
    number: "ALX-EAST-2026-000123", kind: "advertisement", district: "EAST",
    holder: { name: "محمد أحمد علي", national_id: "29001010201234", mobile: "+201012345678" },
    site: { lat: 31.2089, lng: 29.9092, address: "12 شارع فؤاد، الإسكندرية" },
  } as unknown as Licence;

  it("names the licence and takes its district, holder and site, the mobile as dialled in Egypt", () => {
    const draft = draftReplacing(licence);
    expect(draft.details).toEqual({ licence_number: "ALX-EAST-2026-000123" });
    expect(draft.district).toBe("EAST");
    expect(draft.applicant).toEqual({ name: "محمد أحمد علي", national_id: "29001010201234", mobile: "01012345678" });
    expect(draft.site).toEqual({ lat: "31.2089", lng: "29.9092", address: "12 شارع فؤاد، الإسكندرية" });
    expect(draft.errors).toEqual({});
  });

  it("leaves a mobile that is not an Egyptian E.164 number as it is", () => {
    const foreign = { ...licence, holder: { ...licence.holder, mobile: "+4915112345678" } } as Licence;
    expect(draftReplacing(foreign).applicant.mobile).toBe("+4915112345678");
  });
});
