import type { Application, Service } from "../api/client";
import type { Catalogue } from "./catalogue";
import { serviceName } from "./labels";

/** The service's name for an application's `service_code`. */
export function serviceTitle(code: string | undefined, catalogue: Catalogue | undefined): string {
  const service = catalogue?.services.find((candidate) => candidate.code === code);
  return service ? serviceName(service) : code ?? "";
}

/** Whether paying what is due now approves the application with nobody reviewing it (the API's
 * domain/backoffice.issued_on_payment): a service without review, at its submission fees. */
export function issuedOnPayment(application: Application, service: Service | undefined): boolean {
  return service !== undefined && !service.review_required && application.status === "submitted";
}

/** Such an application with a required document not in the file store yet: the API refuses its
 * payment (409 documents_missing), so the page asks for the documents instead. */
export function documentsBeforePayment(application: Application, service: Service | undefined): boolean {
  return issuedOnPayment(application, service) && (application.documents_missing ?? []).length > 0;
}
