import type { Catalogue } from "./catalogue";
import { serviceName } from "./labels";

/** The service's name for an application's `service_code`. */
export function serviceTitle(code: string | undefined, catalogue: Catalogue | undefined): string {
  const service = catalogue?.services.find((candidate) => candidate.code === code);
  return service ? serviceName(service) : code ?? "";
}
