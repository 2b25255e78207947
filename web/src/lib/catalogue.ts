// The catalogue and the districts, fetched once per page load and shared by every page.
import { api, type District, type FieldSpec, type Service } from "../api/client";
import { call, type Problem } from "../api/problem";

export interface Catalogue {
  services: Service[];
  districts: District[];
}

let pending: Promise<{ data?: Catalogue; problem?: Problem }> | undefined;

export function loadCatalogue(): Promise<{ data?: Catalogue; problem?: Problem }> {
  pending ??= Promise.all([call(() => api.GET("/v1/services")), call(() => api.GET("/v1/districts"))])
    .then(([services, districts]) => {
      const problem = services.problem ?? districts.problem;
      if (problem) {
        pending = undefined; // try again next time
        return { problem };
      }
      return { data: { services: services.data!.services, districts: districts.data!.districts } };
    });
  return pending;
}

export const fieldSpecs = (service: Service): FieldSpec[] => service.required_fields as unknown as FieldSpec[];

/** The districts where the service can be applied for online now. */
export function liveDistricts(service: Service, districts: District[]): District[] {
  return districts.filter((district) => district.live && service.districts.includes(district.code));
}
