// "Report a violation": what the inspector saw, with photos and the phone's position, saved on
// the phone first (queue.ts) and sent when there is a signal. The list below the form says of
// each report whether it waits for the signal, was sent, or was refused (and why).
import { useEffect, useState } from "preact/hooks";
import { inLanguage } from "../api/problem";
import { ErrorSummary, type FieldError } from "../components/ErrorSummary";
import { FORMAT_LOCALE, locale } from "../i18n";
import { useSession } from "../lib/session";
import { asJpeg } from "./photos";
import type { PositionState, Fix } from "./position";
import { enqueue, flush, reports, type QueuedReport, type ViolationKind } from "./queue";
import { ti, type InspectKey } from "./i18n";

const KINDS: ViolationKind[] = ["no_licence", "expired_displayed", "other_site", "other"];
const NEEDS_NUMBER = new Set<ViolationKind>(["expired_displayed", "other_site"]);
const MAX_PHOTOS = 4;

export interface ReportDraft { kind?: ViolationKind; licenceNumber?: string; nonce: number }

function when(iso: string): string {
  return new Intl.DateTimeFormat(FORMAT_LOCALE[locale()], {
    timeZone: "Africa/Cairo", hour: "2-digit", minute: "2-digit", day: "numeric", month: "short",
  }).format(new Date(iso));
}

function Queue(props: { items: QueuedReport[] }) {
  if (!props.items.length) return null;
  return (
    <section aria-labelledby="queue-title">
      <h3 id="queue-title">{ti("queue.title")}</h3>
      <ul class="cards queue-list">
        {props.items.map((item) => (
          <li key={item.key} class={`card queue-${item.state}`}>
            <p class="card-title">{ti(`kind.${item.body.kind}` as InspectKey)}
              {item.body.licence_number && <> · <bdi dir="ltr">{item.body.licence_number}</bdi></>}</p>
            <p><strong class={`tag tag-queue-${item.state}`}>{ti(`queue.${item.state}` as InspectKey)}</strong></p>
            <p class="hint">{ti("queue.savedAt", { time: when(item.savedAt) })}
              {item.sentAt && <> · {ti("queue.sentAt", { time: when(item.sentAt) })}</>}
              {item.photos.length > 0 && <> · {ti("queue.photos", { count: item.photos.length })}</>}</p>
            {item.state === "refused" && item.refusal && (
              <p class="error-message">{locale() === "ar" ? item.refusal.message_ar : item.refusal.message_en}
                {Object.values(item.refusal.fields).map((m) => ` ${inLanguage(m)}`).join("")}</p>
            )}
            {item.state === "needs_sign_in" && <p><a href="/sign-in?next=/inspect">{ti("queue.signIn")}</a></p>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ReportForm(props: { draft: ReportDraft; position: PositionState; locate: (maxAgeMs?: number) => Promise<Fix | null> }) {
  const person = useSession();
  const [kind, setKind] = useState<ViolationKind | "">(props.draft.kind ?? "");
  const [number, setNumber] = useState(props.draft.licenceNumber ?? "");
  const [note, setNote] = useState("");
  const [photos, setPhotos] = useState<File[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [items, setItems] = useState<QueuedReport[]>([]);
  const [saved, setSaved] = useState(false);

  const reload = () => reports().then(setItems).catch(() => undefined);
  const send = () => flush().then(reload, reload);
  useEffect(() => {
    reload().then(send);
    window.addEventListener("online", send);
    return () => window.removeEventListener("online", send);
  }, []);
  useEffect(() => {
    if (props.draft.nonce === 0) return;
    setKind(props.draft.kind ?? "");
    setNumber(props.draft.licenceNumber ?? "");
    setSaved(false);
  }, [props.draft.nonce]);

  async function addPhotos(list: FileList | null) {
    const chosen = Array.from(list ?? []).slice(0, MAX_PHOTOS - photos.length);
    const converted = await Promise.all(chosen.map(asJpeg));
    setPhotos((current) => [...current, ...converted].slice(0, MAX_PHOTOS));
  }

  async function submit(event: Event) {
    event.preventDefault();
    const fix = props.position.fix ?? await props.locate(30_000);
    const found: FieldError[] = [];
    if (!kind) found.push({ target: "kind-no_licence", message: ti("report.error.kind") });
    if (kind && NEEDS_NUMBER.has(kind) && !number.trim()) found.push({ target: "report-number", message: ti("report.error.number") });
    if (!fix) found.push({ target: "report-locate", message: ti("report.error.position") });
    setErrors(found);
    if (found.length || !kind || !fix) return;
    await enqueue({
      kind, note, observed_at: new Date().toISOString(),
      licence_number: number.trim() || null,
      position: { lat: fix.lat, lng: fix.lng, accuracy_m: Math.round(fix.accuracyM * 10) / 10 },
    }, photos);
    setKind(""); setNumber(""); setNote(""); setPhotos([]); setSaved(true);
    await reload();
    send();
  }

  const error = (target: string) => errors.find((e) => e.target === target)?.message;
  const fix = props.position.fix;
  return (
    <section class="report" aria-labelledby="report-title">
      <h2 id="report-title">{ti("report.title")}</h2>
      <p>{ti("report.intro")}</p>
      {(!person || person.role !== "officer") && (
        <p class="notice">{ti("report.signInFirst")} <a href="/sign-in?next=/inspect">{ti("queue.signIn")}</a></p>
      )}
      <ErrorSummary errors={errors} />
      {saved && <p class="notice" role="status">{ti("report.saved")}</p>}
      <form noValidate onSubmit={submit}>
        <fieldset class={`field${error("kind-no_licence") ? " field-error" : ""}`}>
          <legend>{ti("report.kind")}</legend>
          {error("kind-no_licence") && <p class="error-message">{error("kind-no_licence")}</p>}
          <div class="radios">
            {KINDS.map((value) => (
              <div class="radio" key={value}>
                <input type="radio" id={`kind-${value}`} name="kind" value={value} checked={kind === value}
                  onChange={() => setKind(value)} />
                <label for={`kind-${value}`}>{ti(`kind.${value}` as InspectKey)}</label>
              </div>
            ))}
          </div>
        </fieldset>
        <div class={`field${error("report-number") ? " field-error" : ""}`}>
          <label for="report-number">{ti("report.number")}</label>
          <p class="hint" id="report-number-hint">{ti("report.numberHint")}</p>
          {error("report-number") && <p class="error-message">{error("report-number")}</p>}
          <input id="report-number" class="input" dir="ltr" autoComplete="off" aria-describedby="report-number-hint"
            value={number} onInput={(e) => setNumber((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="report-note">{ti("report.note")}</label>
          <textarea id="report-note" class="input" rows={3} value={note}
            onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
        </div>
        <div class="field">
          <p class="label-like" id="photos-label">{ti("report.photos")}</p>
          <p class="hint">{ti("report.photosHint", { count: MAX_PHOTOS })}</p>
          <div class="actions">
            <label class="button button-secondary file-button">
              {ti("report.takePhoto")}
              <input type="file" accept="image/*" capture="environment" class="visually-hidden"
                onChange={(e) => addPhotos((e.target as HTMLInputElement).files)} disabled={photos.length >= MAX_PHOTOS} />
            </label>
            <label class="button button-secondary file-button">
              {ti("report.choosePhotos")}
              <input type="file" accept="image/jpeg,image/png,image/webp" multiple class="visually-hidden"
                onChange={(e) => addPhotos((e.target as HTMLInputElement).files)} disabled={photos.length >= MAX_PHOTOS} />
            </label>
          </div>
          {photos.length > 0 && (
            <p>{ti("report.photosChosen", { count: photos.length })}{" "}
              <button type="button" class="text-button" onClick={() => setPhotos([])}>{ti("report.clearPhotos")}</button></p>
          )}
        </div>
        <div class={`field${error("report-locate") ? " field-error" : ""}`}>
          <p class="label-like">{ti("report.position")}</p>
          {error("report-locate") && <p class="error-message">{error("report-locate")}</p>}
          {fix
            ? <p><bdi dir="ltr">{fix.lat.toFixed(5)}, {fix.lng.toFixed(5)}</bdi> {ti("position.accuracy", { metres: Math.round(fix.accuracyM) })}</p>
            : <p class="hint">{props.position.failed ? ti("position.failed") : ti("position.none")}</p>}
          <button type="button" id="report-locate" class="button button-secondary" onClick={() => props.locate()}
            disabled={props.position.pending}>
            {props.position.pending ? ti("position.pending") : ti("position.locate")}
          </button>
        </div>
        <button type="submit" class="button">{ti("report.submit")}</button>
      </form>
      <Queue items={items} />
    </section>
  );
}
