// Labels for codes the API sends (kinds, choices): from the catalogues, the code itself when a
// new one appears before its translation does.
import { catalogues, locale, type MessageKey } from "../i18n";
import type { District, FieldSpec, Service } from "../api/client";
import { pick } from "../i18n";

function label(key: string, fallback: string): string {
  return catalogues[locale()][key as MessageKey] ?? fallback;
}

export const kindLabel = (kind: string) => label(`kind.${kind}`, kind);
export const caseLabel = (serviceCase: string) => label(`case.${serviceCase}`, serviceCase);
export const choiceLabel = (choice: string) => label(`choice.${choice}`, choice.replace(/_/g, " "));
export const serviceName = (service: Service) => pick(service.name_ar, service.name_en);
export const fieldLabel = (field: FieldSpec) => pick(field.label_ar, field.label_en);

export function districtName(code: string | undefined, districts: District[]): string {
  const found = districts.find((district) => district.code === code);
  return found ? pick(found.name_ar, found.name_en) : code ?? "";
}

/** The state a licence is shown in: a licence another was issued in place of reads "replaced",
 * whatever its term (its seal verifies as superseded). */
export const licenceState = (licence: { status?: string; replaced_by?: string | null }): string =>
  licence.replaced_by ? "replaced" : licence.status ?? "";
