// Documents go from the browser straight to the file store: the API signs an S3 POST policy
// for one object (its key, exact content type and a size range) and the browser posts the form
// to S3 itself. The file never passes through the API (a Lambda's 6 MB payload limit, and no
// compute paid to copy bytes). In AWS the bucket's CORS admits POST from the portal's origin
// and the portal's CSP connect-src names the bucket; locally both name the emulator.
import { api } from "../api/client";
import { call, networkProblem, type Problem } from "../api/problem";
import { t } from "../i18n";

/** The largest document the API signs a policy for (chalicelib/domain/backoffice.py). Checked
 * here too so that a phone on a slow line does not send 20 MB to be refused at the end. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export interface Upload {
  url: string;
  fields: Record<string, string>;
}

/** What is wrong with this file for this slot before anything is sent, if anything. */
export function fileProblem(file: File, acceptedTypes: string[]): string | undefined {
  if (file.size === 0) return t("documents.empty");
  if (file.size > MAX_DOCUMENT_BYTES) return t("documents.tooLarge", { megabytes: MAX_DOCUMENT_BYTES / (1024 * 1024) });
  if (!acceptedTypes.includes(file.type)) return t("documents.wrongType");
  return undefined;
}

/** The form S3 expects: every signed field, then the file last (S3 ignores fields after it). */
export function uploadForm(upload: Upload, file: Blob, filename: string): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", file, filename);
  return form;
}

/** Ask the API for a signed POST for this slot, then post the file to the store. */
export async function uploadDocument(applicationId: string, slot: string, file: File): Promise<Problem | undefined> {
  const signed = await call(() => api.POST("/v1/applications/{application_id}/documents", {
    params: { path: { application_id: applicationId } }, body: { slot, content_type: file.type } }));
  if (signed.problem) return signed.problem;
  try {
    const stored = await fetch(signed.data.upload.url, { method: "POST", body: uploadForm(signed.data.upload, file, file.name) });
    if (!stored.ok) return { status: stored.status, code: "upload_refused", message: t("documents.refused"), fields: {} };
  } catch {
    return networkProblem();
  }
  return undefined;
}
