import { locale, pick } from "../../i18n";
import type { Service } from "../../api/client";
import { dateTime } from "../../lib/format";
import { codeLabel, to } from "./i18n";
import type { Document } from "./types";

/** A document slot's name in the current language (the service's catalogue entry names it). */
export function slotName(slot: string, service: Service | undefined): string {
  const found = service?.required_documents.find((candidate) => candidate.code === slot);
  return found ? pick(found.name_ar, found.name_en) : codeLabel("slot", slot, locale());
}

/** Each document with an inline preview: images as images, PDFs in the browser's own viewer
 * (an iframe on the presigned, short-lived link the API gives; the CSP allows the file store's
 * origin for frames and images only). */
function Preview(props: { document: Document; name: string }) {
  const { document, name } = props;
  if (!document.download_url) return <p class="hint">{to("documents.notUploaded")}</p>;
  if (document.content_type.startsWith("image/")) {
    return <img class="doc-preview" src={document.download_url} alt={to("documents.imageAlt", { name })} />;
  }
  if (document.content_type === "application/pdf") {
    return <iframe class="doc-preview doc-pdf" src={document.download_url} title={to("documents.pdfTitle", { name })} />;
  }
  return null;
}

export function Documents(props: { documents: Document[]; missing: string[]; service?: Service }) {
  return (
    <section aria-labelledby="documents-title">
      <h2 id="documents-title">{to("documents.title")}</h2>
      {props.documents.length === 0 && <p>{to("documents.none")}</p>}
      <ul class="doc-list">
        {props.documents.map((document) => {
          const name = slotName(document.slot, props.service);
          return (
            <li key={document.id} class="doc">
              <h3>{name}</h3>
              <p class="hint">{to("documents.meta", { type: document.content_type, at: dateTime(document.requested_at) })}</p>
              <Preview document={document} name={name} />
              {document.download_url && (
                <p><a href={document.download_url} target="_blank" rel="noopener">{to("documents.open", { name })}</a></p>
              )}
            </li>
          );
        })}
      </ul>
      {props.missing.length > 0 && (
        <p class="notice">{to("documents.missing", { names: props.missing.map((slot) => slotName(slot, props.service)).join(locale() === "ar" ? "، " : ", ") })}</p>
      )}
    </section>
  );
}
