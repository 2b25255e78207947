import { useRoute } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api, type Application, type Service } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary } from "../../components/ErrorSummary";
import { Radios } from "../../components/Fields";
import { Code, Loading, ProblemBox, StatusTag } from "../../components/Status";
import { pick, t, useLocale } from "../../i18n";
import { loadCatalogue } from "../../lib/catalogue";
import { money } from "../../lib/format";
import { documentsBeforePayment, serviceTitle } from "../../lib/services";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { contentTypeOf, uploadForm } from "./counter";
import { tc } from "./i18n";
import { Receipt } from "./Receipt";
import "./counter.css";

const POLL_MS = 1500;
const POLL_LIMIT = 40;
type Method = "cash" | "card";

/** /staff/counter/applications/:id: one application at the counter. The clerk scans in the
 * papers the citizen brought, takes the fees due in cash or by card, and prints the numbered
 * receipt; an issued licence's paper copy is one link away. */
export default function CounterApplication() {
  useLocale();
  const { params, query } = useRoute();
  return (
    <StaffPage title={tc("application.title")} roles={["clerk"]}>
      {() => <AtTheCounter key={params.id} id={params.id} registered={query.registered === "1"} />}
    </StaffPage>
  );
}

function AtTheCounter(props: { id: string; registered: boolean }) {
  const catalogue = useLoad(loadCatalogue, []);
  const [application, setApplication] = useState<Application>();
  const [problem, setProblem] = useState<Problem>();
  const load = async () => {
    const result = await call(() => api.GET("/v1/applications/{application_id}",
      { params: { path: { application_id: props.id } } }));
    if (result.problem) setProblem(result.problem);
    else {
      setProblem(undefined);
      setApplication(result.data);
    }
    return result.data;
  };
  useEffect(() => void load(), [props.id]);

  if (problem && !application) return <ProblemBox problem={problem} onRetry={load} />;
  if (!application) return <Loading />;
  const service = catalogue.data?.services.find((candidate) => candidate.code === application.service_code);
  return (
    <>
      {props.registered && (
        <p class="notice" role="status">{tc("application.registered")}</p>
      )}
      <dl class="summary-list counter-summary">
        <div class="summary-row"><dt>{tc("application.reference")}</dt><dd><Code>{application.id}</Code></dd></div>
        <div class="summary-row"><dt>{tc("application.service")}</dt><dd>{serviceTitle(application.service_code, catalogue.data)}</dd></div>
        <div class="summary-row"><dt>{tc("application.citizen")}</dt><dd><bdi>{application.applicant.name}</bdi></dd></div>
        <div class="summary-row"><dt>{t("apply.applicant.nationalId")}</dt><dd><Code>{application.applicant.national_id}</Code></dd></div>
        <div class="summary-row"><dt>{t("apply.applicant.mobile")}</dt><dd><Code>{application.applicant.mobile}</Code></dd></div>
        <div class="summary-row"><dt>{tc("application.status")}</dt><dd><StatusTag status={application.status} /></dd></div>
      </dl>
      {service && <Documents application={application} service={service} onChange={load} />}
      <Fees application={application} service={service} reload={load} />
      {application.licence_number && (
        <section aria-labelledby="licence-title">
          <h2 id="licence-title">{tc("application.licence")}</h2>
          <p><a class="button button-secondary" href={`/staff/counter/licences/${application.licence_number}`}>
            {tc("application.openLicence", { number: application.licence_number })}</a></p>
        </section>
      )}
    </>
  );
}

type Sending = { slot: string; state: "sending" | "sent" | "failed"; message?: string };

/** The service's document slots: what is in, what is missing, and a file input per slot that
 * sends the scan at once (a presigned POST straight to the file store). */
function Documents(props: { application: Application; service: Service; onChange: () => Promise<unknown> }) {
  const listed = useLoad(() => call(() => api.GET("/v1/applications/{application_id}/documents",
    { params: { path: { application_id: props.application.id } } })), [props.application.id]);
  const [sending, setSending] = useState<Record<string, Sending>>({});
  const set = (value: Sending) => setSending((previous) => ({ ...previous, [value.slot]: value }));

  async function upload(slot: Service["required_documents"][number], file: File) {
    set({ slot: slot.code, state: "sending" });
    const requested = await call(() => api.POST("/v1/applications/{application_id}/documents", {
      params: { path: { application_id: props.application.id } },
      body: { slot: slot.code, content_type: contentTypeOf(file, slot.accepted_types) } }));
    if (requested.problem) {
      const message = Object.values(requested.problem.fields)[0] ?? requested.problem.message;
      return set({ slot: slot.code, state: "failed", message });
    }
    try {
      const { url, fields } = requested.data.upload;
      const response = await fetch(url, { method: "POST", body: uploadForm(fields, file, file.name) });
      if (!response.ok) return set({ slot: slot.code, state: "failed", message: tc("documents.refused") });
    } catch {
      return set({ slot: slot.code, state: "failed", message: t("error.network") });
    }
    set({ slot: slot.code, state: "sent" });
    await Promise.all([listed.reload(), props.onChange()]);
  }

  const open = ["submitted", "paid", "under_review", "returned"].includes(props.application.status);
  const slots = props.service.required_documents;
  // The application's documents_missing is what the file store holds: a scan whose upload
  // broke off is still missing, though its upload form was signed (and listed).
  const missing = props.application.documents_missing;
  const given = new Set(missing ? slots.map((slot) => slot.code).filter((code) => !missing.includes(code))
    : (listed.data?.documents ?? []).map((document) => document.slot));
  if (slots.length === 0) return null;
  return (
    <section aria-labelledby="documents-title">
      <h2 id="documents-title">{tc("documents.title")}</h2>
      {!open && <p class="hint">{tc("documents.closed")}</p>}
      <ul class="counter-documents">
        {slots.map((slot) => {
          const state = sending[slot.code];
          const id = `document-${slot.code}`;
          const name = pick(slot.name_ar, slot.name_en);
          return (
            <li key={slot.code} class={state?.state === "failed" ? "field-error" : undefined}>
              <div class="counter-document-head">
                <span class="counter-document-name">{name}</span>
                <strong class={`tag ${given.has(slot.code) ? "tag-issued" : "tag-submitted"}`}>
                  {given.has(slot.code) ? tc("documents.in") : tc("documents.missing")}
                </strong>
              </div>
              {open && (
                <>
                  <label for={id} class="counter-document-label">{tc("documents.choose", { name })}</label>
                  {state?.state === "failed" && <p id={`${id}-error`} class="error-message">{state.message}</p>}
                  <input type="file" id={id} class="counter-file" accept={slot.accepted_types.join(",")}
                    aria-describedby={state?.state === "failed" ? `${id}-error` : undefined}
                    disabled={state?.state === "sending"}
                    onChange={(event) => {
                      const file = (event.currentTarget as HTMLInputElement).files?.[0];
                      if (file) void upload(slot, file);
                    }} />
                  {state?.state === "sending" && <p class="hint" role="status">{tc("documents.sending")}</p>}
                  {state?.state === "sent" && <p class="hint" role="status">{tc("documents.sent", { name })}</p>}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

type Taken = { paymentId: string; receiptNumber: string; amount: number; method: Method; recordedNow: boolean };

/** The fees due now, taken in cash or by card for exactly their total, then the receipt. */
function Fees(props: { application: Application; service?: Service; reload: () => Promise<Application | undefined> }) {
  const [method, setMethod] = useState<Method>("cash");
  const [taking, setTaking] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [taken, setTaken] = useState<Taken>();
  const [waiting, setWaiting] = useState(false);
  const due = props.application.amount_due_piasters;
  const scanFirst = documentsBeforePayment(props.application, props.service);

  // Until the payments stream has applied the payment, the fees still read as due: look again.
  useEffect(() => {
    if (!waiting) return;
    let rounds = 0;
    const timer = setInterval(async () => {
      rounds += 1;
      const current = await props.reload();
      const movedOn = current !== undefined
        && (current.amount_due_piasters === 0 || current.status !== props.application.status);
      if (movedOn || rounds >= POLL_LIMIT) {
        clearInterval(timer);
        setWaiting(false);
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [waiting]);

  async function take(event: Event) {
    event.preventDefault();
    setTaking(true);
    const result = await call(() => api.POST("/v1/applications/{application_id}/counter-payments", {
      params: { path: { application_id: props.application.id } }, body: { method } }));
    setTaking(false);
    if (result.problem) return setProblem(result.problem);
    setProblem(undefined);
    setTaken({ paymentId: result.data.payment_id, receiptNumber: result.data.receipt?.receipt_number ?? "",
      amount: result.data.amount_piasters, method, recordedNow: result.data.recorded_now });
    setWaiting(true);
  }

  return (
    <section aria-labelledby="fees-title">
      <h2 id="fees-title">{tc("fees.title")}</h2>
      {taken && (
        <div class="notice counter-taken" role="status">
          <p>{tc(taken.recordedNow ? "fees.taken" : "fees.takenBefore",
            { amount: money(taken.amount), method: taken.method, number: taken.receiptNumber })}</p>
          <Receipt paymentId={taken.paymentId} number={taken.receiptNumber} immediately />
          {waiting && <p class="hint">{tc("fees.updating")}</p>}
        </div>
      )}
      {due <= 0 && !taken && <p>{tc("fees.nothingDue")}</p>}
      {due > 0 && !waiting && (
        <>
          <table class="table">
            <tbody>
              {props.application.fees_due.map((fee) => (
                <tr key={fee.code}><th scope="row">{pick(fee.name_ar, fee.name_en)}</th><td class="numeric">{money(fee.amount_piasters)}</td></tr>
              ))}
              <tr class="total"><th scope="row">{tc("fees.total")}</th><td class="numeric">{money(due)}</td></tr>
            </tbody>
          </table>
          <ErrorSummary problem={problem} />
          {scanFirst && <p class="notice" role="note">{tc("fees.scanFirst")}</p>}
          {!scanFirst && <form onSubmit={take} noValidate>
            <Radios name="method" legend={tc("fees.method")} value={method} onValue={(value) => setMethod(value as Method)}
              options={(["cash", "card"] as const).map((value) => ({ value, label: tc(`fees.method.${value}`) }))} />
            <button type="submit" class="button" disabled={taking}>
              {taking ? tc("fees.taking") : tc("fees.take", { amount: money(due), method })}
            </button>
          </form>}
        </>
      )}
    </section>
  );
}
