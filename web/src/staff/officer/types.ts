// What the officer's pages read, named by the route that returns it (as src/api/client.ts does):
// a changed response breaks the build, not the console.
import type { paths } from "../../api/schema";

type Json<R> = R extends { content: { "application/json": infer Body } } ? Body : never;
type Ok<Path extends keyof paths, Method extends "get" | "post"> =
  Json<NonNullable<paths[Path][Method]> extends { responses: infer R }
    ? R extends { 200: infer A } ? A : R extends { 201: infer B } ? B : never
    : never>;

export type Queue = Ok<"/v1/applications", "get">;
export type Document = Ok<"/v1/applications/{application_id}/documents", "get">["documents"][number];
export type Inspection = Ok<"/v1/applications/{application_id}/inspections", "get">["inspections"][number];
export type StoredFile = Inspection["photos"][number];
export type AuditPage = Ok<"/v1/applications/{application_id}/audit", "get">;
export type AuditRecord = AuditPage["records"][number];
export type LicenceList = Ok<"/v1/licences", "get">;
export type LicenceChange = Ok<"/v1/licences/{number}/suspend", "post">;
export type PhotoUpload = Ok<"/v1/applications/{application_id}/inspections/{inspection_id}/photos", "post">;

type Resolved<T> = [T] extends [never] ? false : T extends object ? true : false;
export const OFFICER_TYPES_RESOLVED: [Resolved<Queue>, Resolved<Document>, Resolved<Inspection>,
  Resolved<StoredFile>, Resolved<AuditPage>, Resolved<LicenceList>, Resolved<LicenceChange>,
  Resolved<PhotoUpload>] = [true, true, true, true, true, true, true, true];
