// The only checks made before the API sees the answers: that a question was answered at all and
// that coordinates are numbers (the map needs them). Every other rule is the API's, shown on
// its field when the application is sent.
import type { Service } from "../../api/client";
import type { FieldError } from "../../components/ErrorSummary";
import { t } from "../../i18n";
import { fieldSpecs } from "../../lib/catalogue";
import { parseDecimal } from "../../lib/digits";
import { fieldLabel } from "../../lib/labels";
import type { Draft, Step } from "./draft";

export function checkStep(step: Step, service: Service, draft: Draft): FieldError[] {
  const errors: FieldError[] = [];
  const required = (id: string, value: string, what: string) => {
    if (!value.trim()) errors.push({ target: id, message: t("error.required", { what }) });
  };
  if (step === "district" && !draft.district) {
    errors.push({ target: "district", message: t("error.choose", { what: t("application.district") }) });
  }
  if (step === "applicant") {
    required("applicant-name", draft.applicant.name, t("apply.applicant.name"));
    required("applicant-national_id", draft.applicant.national_id, t("apply.applicant.nationalId"));
    required("applicant-mobile", draft.applicant.mobile, t("apply.applicant.mobile"));
  }
  if (step === "site") {
    for (const [id, value, label] of [["site-lat", draft.site.lat, t("apply.site.lat")],
      ["site-lng", draft.site.lng, t("apply.site.lng")]] as const) {
      if (parseDecimal(value) === null) errors.push({ target: id, message: t("error.number", { what: label }) });
    }
    required("site-address", draft.site.address, t("apply.site.address"));
  }
  if (step === "details") {
    for (const field of fieldSpecs(service)) {
      const value = draft.details[field.name] ?? "";
      if (field.type === "enum" || field.type === "boolean") {
        if (!value) errors.push({ target: `details-${field.name}`, message: t("error.choose", { what: fieldLabel(field) }) });
      } else required(`details-${field.name}`, value, fieldLabel(field));
    }
  }
  return errors;
}
