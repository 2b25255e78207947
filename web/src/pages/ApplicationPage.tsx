import { useLocation, useRoute } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api, type Application } from "../api/client";
import { call, type Problem } from "../api/problem";
import { Documents } from "../components/Documents";
import { ErrorSummary } from "../components/ErrorSummary";
import { Radios } from "../components/Fields";
import { Page } from "../components/Page";
import { Code, Loading, ProblemBox, StatusTag } from "../components/Status";
import { t, useLocale, pick, type MessageKey } from "../i18n";
import { loadCatalogue } from "../lib/catalogue";
import { calendarDate, dateTime, isolated, lateNight, money, separator } from "../lib/format";
import { useSignedIn } from "../lib/guard";
import { districtName } from "../lib/labels";
import { documentsBeforePayment, issuedOnPayment, serviceTitle } from "../lib/services";
import { useLoad } from "../lib/useLoad";

const GATEWAYS = (import.meta.env.VITE_PAYMENT_GATEWAYS ?? "sandbox").split(",").map((g) => g.trim()).filter(Boolean);
const PAYABLE = new Set(["submitted", "approved"]);
// What the API lets the owner do in each status (chalicelib/domain/applications.py and
// backoffice.py); the API still decides, the page only hides what it would refuse.
const CANCELLABLE = new Set(["submitted", "returned"]);
const TAKES_DOCUMENTS = new Set(["submitted", "paid", "under_review", "returned"]);
const POLL_MS = 1500;
const POLL_LIMIT = 40;
// States the system leaves by itself within seconds (the streams apply a payment, issue a licence).
const MOVING_ON = new Set(["paid", "licence_paid"]);

/** One application: status, what is expected of me, fees due and pay, the timeline. */
export default function ApplicationPage() {
  useLocale();
  const person = useSignedIn();
  const { params, query } = useRoute();
  const { route } = useLocation();
  const catalogue = useLoad(loadCatalogue, []);
  const [application, setApplication] = useState<Application>();
  const [problem, setProblem] = useState<Problem>();
  const [gateway, setGateway] = useState(GATEWAYS[0] ?? "sandbox");
  const [paying, setPaying] = useState(false);
  const [payProblem, setPayProblem] = useState<Problem>();
  // Back from the gateway (?payment=PAY-…): wait for the webhook and the stream to move it on.
  const [waitingFor, setWaitingFor] = useState<string | undefined>(query.payment);
  const [paymentFailed, setPaymentFailed] = useState(false);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [cancelProblem, setCancelProblem] = useState<Problem>();

  const load = async () => {
    const result = await call(() => api.GET("/v1/applications/{application_id}",
      { params: { path: { application_id: params.id } } }));
    if (result.problem) setProblem(result.problem);
    else {
      setProblem(undefined);
      setApplication(result.data);
    }
    return result.data;
  };
  useEffect(() => void load(), [params.id]);

  useEffect(() => {
    if (!waitingFor) return;
    let rounds = 0;
    const timer = setInterval(async () => {
      rounds += 1;
      // The payment first, then the application: the application is never older than the payment.
      const payment = await call(() => api.GET("/v1/payments/{payment_id}", { params: { path: { payment_id: waitingFor } } }));
      const current = await load();
      const state = payment.data?.status;
      const paidFor = new Set((payment.data?.lines ?? []).map((line) => line.code));
      // Caught up: the fees this payment paid are no longer due (the stream has applied it).
      const caughtUp = state === "paid" && current !== undefined && !current.fees_due.some((fee) => paidFor.has(fee.code));
      const settled = caughtUp || state === "failed" || state === "flagged" || state === "refunded";
      if (state === "failed") setPaymentFailed(true);
      if (settled || rounds >= POLL_LIMIT) {
        clearInterval(timer);
        setWaitingFor(undefined);
        route(`/applications/${params.id}`, true);
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [waitingFor]);

  // While the system itself is moving the application on, look again every few seconds.
  const [followed, setFollowed] = useState(0);
  useEffect(() => {
    if (waitingFor || !application || !MOVING_ON.has(application.status) || followed >= POLL_LIMIT) return;
    const timer = setTimeout(() => void load().then(() => setFollowed((n) => n + 1)), POLL_MS);
    return () => clearTimeout(timer);
  }, [application, waitingFor, followed]);

  async function pay(event: Event) {
    event.preventDefault();
    setPaying(true);
    const result = await call(() => api.POST("/v1/applications/{application_id}/payments", {
      params: { path: { application_id: params.id } }, body: { gateway: gateway as "sandbox" } }));
    if (result.problem) {
      setPaying(false);
      return setPayProblem(result.problem);
    }
    location.assign(result.data.checkout_url);
  }

  async function cancel() {
    setCancelling(true);
    const result = await call(() => api.POST("/v1/applications/{application_id}/cancel", {
      params: { path: { application_id: params.id } }, body: { reason: null } }));
    setCancelling(false);
    if (result.problem) return setCancelProblem(result.problem);
    setConfirmingCancel(false);
    setCancelProblem(undefined);
    setApplication(result.data);
  }

  if (!person) return null;
  if (problem && !application) return <ProblemBox problem={problem} onRetry={load} />;
  if (!application) return <Loading />;
  const due = application.amount_due_piasters;
  const districts = catalogue.data?.districts ?? [];
  const service = catalogue.data?.services.find((candidate) => candidate.code === application.service_code);
  const fees = application.fees_due.filter((fee) => fee.stage !== "fine");
  const fines = application.fees_due.filter((fee) => fee.stage === "fine");
  const documentsFirst = documentsBeforePayment(application, service);
  const feeRow = (fee: (typeof fees)[number]) => {
    const night = fee.stage === "fine" ? lateNight(fee.code) : undefined;
    return (
      <tr key={fee.code}><th scope="row">{pick(fee.name_ar, fee.name_en)}
        {night && <div class="hint">{t("application.fineFor", { date: calendarDate(night) })}</div>}</th>
        <td class="numeric">{money(fee.amount_piasters)}</td></tr>
    );
  };
  return (
    <Page title={t("application.title", { service: serviceTitle(application.service_code, catalogue.data) })}>
      <dl class="summary-list">
        <div class="summary-row"><dt>{t("application.reference")}</dt><dd><Code>{application.id}</Code></dd></div>
        <div class="summary-row"><dt>{t("application.status")}</dt><dd><StatusTag status={application.status} /></dd></div>
        <div class="summary-row"><dt>{t("application.district")}</dt><dd>{districtName(application.district, districts)}</dd></div>
      </dl>
      {waitingFor && <p class="notice notice-progress" role="status">{t("application.waiting")}</p>}
      {paymentFailed && !waitingFor && <p class="notice notice-problem" role="alert">{t("application.paymentFailed")}</p>}
      <h2>{t("application.next")}</h2>
      <p>{issuedOnPayment(application, service)
        ? t("application.next.submittedNoReview")
        : t(`application.next.${application.status}` as MessageKey) ?? application.status}</p>
      {application.status === "returned" && application.decision_reason ? (
        <div class="notice" role="note" aria-labelledby="officer-message">
          <h3 id="officer-message" class="notice-title">{t("application.officerMessage")}</h3>
          <p><bdi>{application.decision_reason}</bdi></p>
        </div>
      ) : application.decision_reason && <p>{t("application.reason", { reason: application.decision_reason })}</p>}
      {application.status === "returned" && (
        <p><a href={`/applications/${application.id}/fix`} class="button">{t("application.fix")}</a></p>
      )}
      {application.licence_number && (
        <p><a href={`/licences/${application.licence_number}`} class="button">
          {t("application.viewLicence", { number: application.licence_number })}</a></p>
      )}
      {due > 0 && (
        <section aria-labelledby="fees-title">
          <h2 id="fees-title">{t("application.feesDue")}</h2>
          {fines.length > 0 && application.renewal_of && (
            <p class="notice" role="note">{t("application.lateRenewal", { number: isolated(application.renewal_of), count: fines.length })}</p>
          )}
          <table class="table">
            {fines.length > 0 && <caption class="table-caption">{t("application.fees")}</caption>}
            <tbody>{fees.map(feeRow)}</tbody>
          </table>
          {fines.length > 0 && (
            <table class="table">
              <caption class="table-caption">{t("application.fines")}</caption>
              <tbody>{fines.map(feeRow)}</tbody>
            </table>
          )}
          <table class="table">
            <tbody>
              <tr class="total"><th scope="row">{t("application.total")}</th><td class="numeric">{money(due)}</td></tr>
            </tbody>
          </table>
          {documentsFirst && <p class="notice" role="note">{t("application.documentsBeforePay")}</p>}
          {PAYABLE.has(application.status) && !waitingFor && !documentsFirst && (
            <form onSubmit={pay}>
              <ErrorSummary problem={payProblem} />
              {GATEWAYS.length > 1 && (
                <Radios name="gateway" legend={t("application.gateway")} value={gateway} onValue={setGateway}
                  options={GATEWAYS.map((value) => ({ value, label: t(`application.gateway.${value}` as MessageKey) ?? value }))} />
              )}
              <button type="submit" class="button" disabled={paying}>
                {paying ? t("application.paying") : t("application.pay", { amount: money(due) })}
              </button>
            </form>
          )}
        </section>
      )}
      {service && (
        <Documents applicationId={application.id} service={service} missing={application.documents_missing ?? []}
          open={TAKES_DOCUMENTS.has(application.status)} onUploaded={() => void load()} />
      )}
      {CANCELLABLE.has(application.status) && (
        <section aria-labelledby="cancel-title">
          <h2 id="cancel-title">{t("application.cancelTitle")}</h2>
          <ErrorSummary problem={cancelProblem} />
          {confirmingCancel ? (
            <div class="notice notice-problem">
              <p>{t("application.cancelConfirm")}</p>
              <div class="actions">
                <button type="button" class="button button-warning" disabled={cancelling} onClick={cancel}>
                  {cancelling ? t("application.cancelling") : t("application.cancelYes")}</button>
                <button type="button" class="button button-secondary" onClick={() => setConfirmingCancel(false)}>
                  {t("application.cancelNo")}</button>
              </div>
            </div>
          ) : (
            <>
              <p class="hint">{t("application.cancelHint")}</p>
              <button type="button" class="button button-secondary" onClick={() => setConfirmingCancel(true)}>
                {t("application.cancel")}</button>
            </>
          )}
        </section>
      )}
      <h2>{t("application.timeline")}</h2>
      <ol class="timeline">
        {[...application.timeline].reverse().map((entry, index) => (
          <li key={`${entry.at}-${index}`}>
            <strong>{t(`event.${entry.status}` as MessageKey) ?? entry.status}</strong>
            <span class="hint"> {dateTime(entry.at)}{separator()}{t("application.byRole", { role: entry.by_role })}</span>
            {entry.reason && <div class="hint">{entry.reason}</div>}
          </li>
        ))}
      </ol>
    </Page>
  );
}
