// The inspector's app (/inspect): verifies a seal offline with WebCrypto against the cached JWK
// Set, and the licence's status against the cached signed status list (docs/status-list.md).
import { useEffect, useRef, useState } from "preact/hooks";
import { Page } from "../components/Page";
import { FORMAT_LOCALE, locale, useLocale } from "../i18n";
import { kindLabel } from "../lib/labels";
import { loadTrustData, type TrustData } from "./cache";
import { FAR_METRES, distanceMetres, nearness } from "./geo";
import { ti, type InspectKey } from "./i18n";
import { usePosition, type PositionState } from "./position";
import { installApp } from "./pwa";
import { ReportForm, type ReportDraft } from "./Report";
import { Scanner, keepDecoderForOffline } from "./Scanner";
import { verifySeal } from "./seal";
import "./inspect.css";
import { MAX_LIST_AGE_HOURS, listIsUsable, verdictOf, type Verdict } from "./verdict";

const NUMBER = /^ALX-[A-Z0-9]+-\d{4}-\d{6,10}$/;

type Outcome =
  | { kind: "seal"; verdict: Verdict }
  | { kind: "number"; number: string; status: string | undefined }
  | { kind: "error"; message: InspectKey };

function clock(date: Date): string {
  return new Intl.DateTimeFormat(FORMAT_LOCALE[locale()], {
    timeZone: "Africa/Cairo", hour: "2-digit", minute: "2-digit", day: "numeric", month: "short",
  }).format(date);
}

function day(iso: string): string {
  return new Intl.DateTimeFormat(FORMAT_LOCALE[locale()], { timeZone: "UTC", dateStyle: "medium" })
    .format(new Date(`${iso}T00:00:00Z`));
}

function Freshness({ data }: { data: TrustData | null }) {
  if (!data) return null;
  const stale = !listIsUsable(data.list, new Date());
  return (
    <section class="notice" aria-labelledby="freshness">
      <h2 id="freshness" class="legend-heading">{ti("freshness.title")}</h2>
      {data.list
        ? <p><strong>{ti("freshness.statusAsOf", { time: clock(data.list.issuedAt) })}</strong></p>
        : <p>{ti("freshness.none")}</p>}
      {data.keys && <p>{ti("freshness.keysAsOf", { time: clock(new Date(data.keys.fetchedAt)) })}</p>}
      {data.list && stale && <p class="error-message">{ti("freshness.stale", { hours: MAX_LIST_AGE_HOURS })}</p>}
      {data.listInvalid && <p class="error-message">{ti("freshness.invalid")}</p>}
      {!data.online && <p>{ti("freshness.offline")}</p>}
    </section>
  );
}

const GOOD = new Set(["valid"]);

function distanceText(metres: number): string {
  return metres >= 1000
    ? ti("distance.km", { km: Math.round(metres / 100) / 10 })
    : ti("distance.m", { metres: Math.round(metres) });
}

/** How far the phone is from the site the seal names; a warning when surely beyond FAR_METRES. */
function Distance(props: { site: { lat: number; lng: number }; position: PositionState; onReport: () => void }) {
  const fix = props.position.fix;
  if (!fix) {
    return <p class="hint">{props.position.pending ? ti("position.pending") : ti("distance.unknown")}</p>;
  }
  const metres = distanceMetres(fix, props.site);
  const near = nearness(metres, fix.accuracyM);
  return (
    <div class={near === "far" ? "distance-far" : undefined}>
      <p>{ti("distance.label", { distance: distanceText(metres), accuracy: Math.round(fix.accuracyM) })}</p>
      {near === "far" && <p>{ti("distance.far", { limit: FAR_METRES })}</p>}
      {near === "unsure" && <p class="hint">{ti("distance.unsure")}</p>}
      {near === "far" && (
        <button type="button" class="button button-secondary" onClick={props.onReport}>{ti("distance.report")}</button>
      )}
    </div>
  );
}

function Result({ outcome, data, position, onReport }: { outcome: Outcome; data: TrustData | null;
  position: PositionState; onReport: (draft: Omit<ReportDraft, "nonce">) => void }) {
  if (outcome.kind === "error") return <p class="error-message" role="alert">{ti(outcome.message)}</p>;
  if (outcome.kind === "number") {
    const time = data?.list ? clock(data.list.issuedAt) : "";
    return (
      <section class="card" role="status" aria-live="polite">
        <h2>{ti("verdict.numberOnly")}</h2>
        <p><bdi dir="ltr">{outcome.number}</bdi></p>
        <p class="verdict">
          {outcome.status ? ti(`verdict.${outcome.status}` as InspectKey) : ti("verdict.numberActive", { time })}
        </p>
      </section>
    );
  }
  const { verdict } = outcome;
  const tone = GOOD.has(verdict.kind) ? "verdict-good" : "verdict-bad";
  return (
    <section class={`card verdict-card ${tone}`} role="status" aria-live="polite" aria-labelledby="verdict">
      <h2 id="verdict" class="verdict">{ti(`verdict.${verdict.kind}` as InspectKey)}</h2>
      {verdict.kind === "not_genuine" && <p>{ti(`reason.${verdict.reason}` as InspectKey)}</p>}
      {verdict.kind === "cannot_confirm" && (
        <p>{data?.list ? ti("freshness.stale", { hours: MAX_LIST_AGE_HOURS }) : ti("freshness.none")}</p>
      )}
      {"claims" in verdict && (
        <>
          <h3>{ti("details.title")}</h3>
          <dl class="summary-list">
            <div class="summary-row"><dt>{ti("details.number")}</dt><dd><bdi dir="ltr">{verdict.claims.number}</bdi></dd></div>
            <div class="summary-row"><dt>{ti("details.kind")}</dt><dd>{kindLabel(verdict.claims.kind)}</dd></div>
            <div class="summary-row"><dt>{ti("details.district")}</dt><dd><bdi dir="ltr">{verdict.claims.district}</bdi></dd></div>
            <div class="summary-row"><dt>{ti("details.site")}</dt>
              <dd><bdi dir="ltr">{verdict.claims.lat.toFixed(5)}, {verdict.claims.lng.toFixed(5)}</bdi></dd></div>
            <div class="summary-row"><dt>{ti("details.valid")}</dt>
              <dd>{ti("details.validRange", { from: day(verdict.claims.validFrom), until: day(verdict.claims.validUntil) })}</dd></div>
          </dl>
          <Distance site={verdict.claims} position={position}
            onReport={() => onReport({ kind: "other_site", licenceNumber: verdict.claims.number })} />
          {verdict.kind !== "valid" && (
            <p><button type="button" class="button button-secondary"
              onClick={() => onReport({ kind: verdict.kind === "expired" ? "expired_displayed" : "other",
                licenceNumber: verdict.claims.number })}>{ti("report.aboutThis")}</button></p>
          )}
        </>
      )}
    </section>
  );
}

export default function Inspector() {
  useLocale();
  const [data, setData] = useState<TrustData | null>(null);
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [scanning, setScanning] = useState(false);
  const [position, locate] = usePosition();
  const [draft, setDraft] = useState<ReportDraft>({ nonce: 0 });
  const input = useRef<HTMLTextAreaElement>(null);

  function startReport(values: Omit<ReportDraft, "nonce">) {
    setDraft((current) => ({ ...values, nonce: current.nonce + 1 }));
    requestAnimationFrame(() => document.getElementById("report-title")?.scrollIntoView());
  }

  const refresh = () => loadTrustData().then(setData);
  useEffect(() => {
    installApp();
    keepDecoderForOffline();
    refresh();
    window.addEventListener("online", refresh);
    return () => window.removeEventListener("online", refresh);
  }, []);

  async function check(value: string) {
    const entered = value.trim();
    if (!entered) {
      setOutcome({ kind: "error", message: "error.empty" });
      input.current?.focus();
      return;
    }
    const upper = entered.toUpperCase();
    if (NUMBER.test(upper)) {
      setOutcome({ kind: "number", number: upper, status: data?.list?.statuses.get(upper) });
      return;
    }
    if (!data?.keys) {
      setOutcome({ kind: "error", message: "error.noKeys" });
      return;
    }
    const seal = await verifySeal(entered, data.keys.value);
    setOutcome({ kind: "seal", verdict: verdictOf(seal, data.list, new Date()) });
    if (seal.ok && !position.pending) locate(10_000); // the distance to the site, without holding the verdict
  }

  return (
    <Page title={ti("title")} caption={ti("caption")}>
      <p class="lead">{ti("intro")}</p>
      <Freshness data={data} />
      <form noValidate onSubmit={(event) => { event.preventDefault(); check(text); }}>
        <div class="field">
          <label for="seal-input">{ti("input.label")}</label>
          <p class="hint" id="seal-hint">{ti("input.hint")}</p>
          <textarea id="seal-input" ref={input} class="input" rows={3} dir="ltr" aria-describedby="seal-hint"
            autoComplete="off" spellcheck={false} value={text}
            onInput={(event) => setText((event.target as HTMLTextAreaElement).value)} />
        </div>
        <div class="actions">
          <button type="submit" class="button">{ti("verify")}</button>
          <Scanner active={scanning} onToggle={setScanning}
            onCode={(code) => { setScanning(false); setText(code); check(code); }} />
        </div>
      </form>
      {outcome && <Result outcome={outcome} data={data} position={position} onReport={startReport} />}
      <p><button type="button" class="button button-secondary" onClick={refresh}>{ti("refresh")}</button></p>
      <ReportForm draft={draft} position={position} locate={locate} />
    </Page>
  );
}
