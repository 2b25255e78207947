// The typed API client: paths, bodies and responses come from src/api/schema.d.ts, which the
// build generates from the app's own OpenAPI document. Same origin: no base URL, no CORS.
import createClient, { type Middleware } from "openapi-fetch";
import { freshSession, renewAfterRefusal } from "../lib/renewal";
import type { paths } from "./schema";

// A copy of each signed request, sent again once with a renewed token if the API refuses the
// first (401): a token revoked or judged expired by the API's clock does not lose the person's
// work. Keyed by the request sent, so a copy goes when its request does.
const resendable = new WeakMap<Request, Request>();

const bearer: Middleware = {
  async onRequest({ request }) {
    const current = await freshSession();
    if (current) {
      request.headers.set("Authorization", `Bearer ${current.token}`);
      resendable.set(request, request.clone());
    }
    return request;
  },
  async onResponse({ request, response }) {
    const copy = resendable.get(request);
    if (response.status !== 401 || !copy) return response;
    const renewed = await renewAfterRefusal(copy.headers.get("Authorization")!.slice("Bearer ".length));
    if (!renewed) return response;
    copy.headers.set("Authorization", `Bearer ${renewed.token}`);
    return fetch(copy);
  },
};

export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "" });
api.use(bearer);

// Types named by the route and status that return them, not by the document's schema names: a
// renamed schema changes nothing here, a changed response breaks the build.
type Json<R> = R extends { content: { "application/json": infer Body } } ? Body : never;
type Ok<Path extends keyof paths, Method extends "get" | "post"> =
  Json<NonNullable<paths[Path][Method]> extends { responses: infer R }
    ? R extends { 200: infer A } ? A : R extends { 201: infer B } ? B : never
    : never>;
type Body<Path extends keyof paths> = NonNullable<paths[Path]["post"]> extends {
  requestBody?: infer B;
} ? Json<NonNullable<B>> : never;

export type Service = Ok<"/v1/services", "get">["services"][number];
export type District = Ok<"/v1/districts", "get">["districts"][number];
export type Application = Ok<"/v1/applications/{application_id}", "get">;
export type FeeLine = Application["fees_due"][number];
export type Licence = Ok<"/v1/licences/{number}", "get">;
export type LicenceSummary = Ok<"/v1/licences", "get">["licences"][number];
export type ApplicationIn = Body<"/v1/applications">;
export type DevTokenIn = Body<"/v1/dev/tokens">;

// A route whose type did not resolve would be `never`, and every use of it would type-check
// vacuously: this line fails the build instead.
type Resolved<T> = [T] extends [never] ? false : T extends object ? true : false;
export const TYPES_RESOLVED: [Resolved<Service>, Resolved<District>, Resolved<Application>, Resolved<FeeLine>,
  Resolved<Licence>, Resolved<LicenceSummary>, Resolved<ApplicationIn>, Resolved<DevTokenIn>] = [true, true, true, true, true, true, true, true];

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
