// The typed API client: paths, bodies and responses come from src/api/schema.d.ts, which the
// build generates from the app's own OpenAPI document. Same origin: no base URL, no CORS.
import createClient, { type Middleware } from "openapi-fetch";
import { session } from "../lib/session";
import type { components, paths } from "./schema";

const bearer: Middleware = {
  onRequest({ request }) {
    const current = session();
    if (current) request.headers.set("Authorization", `Bearer ${current.token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "" });
api.use(bearer);

type Schemas = components["schemas"];
export type Service = Schemas["Service"];
export type District = Schemas["District"];
export type Application = Schemas["Application"];
export type FeeLine = Schemas["FeeLine"];
export type Licence = Schemas["Licence"];
export type LicenceSummary = Schemas["LicenceSummary"];
export type ApplicationIn = Schemas["ApplicationIn"];

/** A field the catalogue asks for (`required_fields` of a service). */
export interface FieldSpec {
  name: string;
  type: "string" | "number" | "integer" | "enum" | "boolean";
  label_ar: string;
  label_en: string;
  choices?: string[];
  min?: number;
  max?: number;
  max_length?: number;
}
