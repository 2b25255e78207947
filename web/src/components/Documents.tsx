import { useState } from "preact/hooks";
import { api, type Service } from "../api/client";
import { call, type Problem } from "../api/problem";
import { t, pick } from "../i18n";
import { dateTime } from "../lib/format";
import { fileProblem, uploadDocument } from "../lib/upload";
import { useLoad } from "../lib/useLoad";
import { ErrorSummary, type FieldError } from "./ErrorSummary";

type Slot = Service["required_documents"][number];

interface DocumentsProps {
  applicationId: string;
  service: Service;
  /** Slots the API says nothing is uploaded into yet (the application's documents_missing). */
  missing: string[];
  /** Whether the application still takes documents (submitted, paid, under review, returned). */
  open: boolean;
  /** After an upload: the application's documents_missing has changed. */
  onUploaded: () => void;
}

/** The documents the service asks for: what is uploaded, and a file input per document while the
 * application still takes them. Each file goes straight to the file store (lib/upload.ts). */
export function Documents({ applicationId, service, missing, open, onUploaded }: DocumentsProps) {
  const slots = service.required_documents;
  const listed = useLoad(() => call(() => api.GET("/v1/applications/{application_id}/documents",
    { params: { path: { application_id: applicationId } } })), [applicationId]);
  const [files, setFiles] = useState<Record<string, File | undefined>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState<string>();
  const [done, setDone] = useState<string>();
  if (slots.length === 0) return null;
  const name = (code: string) => {
    const slot = slots.find((candidate) => candidate.code === code);
    return slot ? pick(slot.name_ar, slot.name_en) : code;
  };

  async function upload(slot: Slot, event: Event) {
    event.preventDefault();
    const id = `document-${slot.code}`;
    const file = files[slot.code];
    const wrong = file ? fileProblem(file, slot.accepted_types) : t("documents.choose", { what: name(slot.code) });
    setDone(undefined);
    setProblem(undefined);
    if (wrong) return setErrors({ [id]: wrong });
    setErrors({});
    setBusy(slot.code);
    const failed = await uploadDocument(applicationId, slot.code, file!);
    setBusy(undefined);
    if (failed) {
      const fieldMessage = Object.values(failed.fields)[0];
      if (fieldMessage) return setErrors({ [id]: fieldMessage });
      return setProblem(failed);
    }
    setFiles((previous) => ({ ...previous, [slot.code]: undefined }));
    (document.getElementById(id) as HTMLInputElement | null)?.form?.reset();
    setDone(t("documents.uploaded", { what: name(slot.code) }));
    await listed.reload();
    onUploaded();
  }

  const summary: FieldError[] = Object.entries(errors).map(([target, message]) => ({ target, message }));
  const documents = listed.data?.documents ?? [];
  return (
    <section aria-labelledby="documents-title">
      <h2 id="documents-title">{t("documents.title")}</h2>
      <ErrorSummary problem={problem} errors={summary} />
      {done && <p class="notice" role="status">{done}</p>}
      {missing.length > 0 && open && <p>{t("documents.missing", { count: missing.length })}</p>}
      {documents.length > 0 && (
        <table class="table">
          <caption class="visually-hidden">{t("documents.listCaption")}</caption>
          <tbody>
            {documents.map((stored) => (
              <tr key={stored.id}>
                <th scope="row">{name(stored.slot)}
                  <div class="hint">{t("documents.sentAt", { date: dateTime(stored.requested_at) })}</div></th>
                <td class="numeric">{stored.download_url &&
                  <a href={stored.download_url} rel="noopener" aria-label={t("documents.viewWhat", { what: name(stored.slot) })}>
                    {t("documents.view")}</a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && slots.map((slot) => {
        const id = `document-${slot.code}`;
        const error = errors[id];
        const hintId = `${id}-hint`;
        return (
          <form key={slot.code} class={`field ${error ? "field-error" : ""}`} onSubmit={(event) => upload(slot, event)} noValidate>
            <label for={id}>{name(slot.code)}{!missing.includes(slot.code) && <span class="hint"> {t("documents.another")}</span>}</label>
            <div id={hintId} class="hint">{t("documents.hint", { types: slot.accepted_types.map(typeName).join(t("documents.or")) })}</div>
            {error && <p id={`${id}-error`} class="error-message">{error}</p>}
            <input type="file" id={id} name={id} class="file-input" accept={slot.accepted_types.join(",")}
              aria-describedby={[hintId, error && `${id}-error`].filter(Boolean).join(" ")}
              aria-invalid={error ? true : undefined}
              onChange={(event) => {
                const chosen = (event.currentTarget as HTMLInputElement).files?.[0];
                setFiles((previous) => ({ ...previous, [slot.code]: chosen }));
              }} />
            <button type="submit" class="button button-secondary" disabled={busy !== undefined}
              aria-label={t("documents.uploadWhat", { what: name(slot.code) })}>
              {busy === slot.code ? t("documents.uploading") : t("documents.upload")}
            </button>
          </form>
        );
      })}
    </section>
  );
}

function typeName(type: string): string {
  return { "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG" }[type] ?? type;
}
