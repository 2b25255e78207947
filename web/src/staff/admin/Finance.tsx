import { useRef, useState } from "preact/hooks";
import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { TextField } from "../../components/Fields";
import { useLocale } from "../../i18n";
import { loadCatalogue } from "../../lib/catalogue";
import { dateTime, money } from "../../lib/format";
import { districtName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { codeLabel, ta } from "./i18n";
import { Loading, RangeForm, Table, defaultRange, type Range } from "./parts";
import "./admin.css";

interface Flagged {
  payment_id: string;
  application_id: string;
  district: string;
  gateway: string;
  status: string;
  flag_reason: string;
  amount_piasters: number;
  day: string;
}

/** /staff/admin/finance: what finance must act on — payments flagged for refund (recorded here
 * once refunded at the gateway, with the reason) and counter drawers that do not balance. */
export default function Finance() {
  useLocale(); // the title is worded here: a language switch must re-render it
  return (
    <StaffPage title={ta("admin.finance.title")} roles={["admin"]}>
      {() => <FinanceBody />}
    </StaffPage>
  );
}

function FinanceBody() {
  const [range, setRange] = useState<Range>(defaultRange);
  const [refunding, setRefunding] = useState<Flagged>();
  const [done, setDone] = useState("");  // the payment id whose refund was recorded
  const catalogue = useLoad(loadCatalogue, []);
  const report = useLoad(() => call(() => api.GET("/v1/reports/finance",
    { params: { query: { from: range.from, to: range.to, district: range.district || undefined } } })),
  [range.from, range.to, range.district]);
  const districts = catalogue.data?.districts ?? [];
  const name = (code: string) => districtName(code, districts);
  const dialog = useRef<HTMLDialogElement>(null);

  const open = (payment: Flagged) => {
    setRefunding(payment);
    setDone("");
    dialog.current?.showModal();
  };
  const recorded = async (payment: Flagged) => {
    dialog.current?.close();
    setDone(payment.payment_id);
    await report.reload();
  };

  return (
    <>
      <RangeForm value={range} districts={districts} problem={report.problem} onChange={setRange} />
      <div role="status">{done && <p class="notice admin-saved">{ta("admin.refund.done", { payment: done })}</p>}</div>
      {!report.data && <Loading problem={report.problem} loading onRetry={() => void report.reload()} />}
      {report.data && (
        <>
          <p class="lead">{ta("admin.finance.lead", { paid: money(report.data.totals.paid_piasters) })}</p>
          <section class="admin-section" aria-labelledby="finance-flagged">
            <h2 id="finance-flagged">{ta("admin.finance.flagged.title")}</h2>
            {report.data.needs_attention.length === 0 ? <p>{ta("admin.finance.flagged.empty")}</p> : (
              <Table caption={ta("admin.finance.flagged.title")} numeric={[3]}
                header={[ta("admin.finance.reason"), ta("admin.finance.day"), ta("admin.range.district"), ta("admin.finance.amount"),
                  ta("admin.finance.action"), ta("admin.finance.channel"), ta("admin.finance.status"), ta("admin.finance.application")]}
                rows={report.data.needs_attention.map((p) => [
                  codeLabel("admin.flag", p.flag_reason),
                  <bdi dir="ltr">{p.day}</bdi>,
                  name(p.district),
                  money(p.amount_piasters),
                  <button type="button" class="button button-secondary admin-row-action"
                    aria-label={ta("admin.refund.open", { payment: p.payment_id })} onClick={() => open(p)}>
                    {ta("admin.refund.openShort")}
                  </button>,
                  codeLabel("admin.channel", p.gateway),
                  codeLabel("admin.payment", p.status),
                  <bdi dir="ltr" class="code">{p.application_id}</bdi>,
                ])} />
            )}
          </section>
          <section class="admin-section" aria-labelledby="finance-drawers">
            <h2 id="finance-drawers">{ta("admin.drawers.title")}</h2>
            <Drawers rows={report.data.drawers.filter((d) => d.flagged)} name={name} />
          </section>
        </>
      )}
      <dialog ref={dialog} class="admin-dialog" aria-labelledby="refund-title" onClose={() => setRefunding(undefined)}>
        {refunding && <RefundForm payment={refunding} onDone={recorded} onCancel={() => dialog.current?.close()} />}
      </dialog>
    </>
  );
}

type DrawerRow = { day: string; district: string; clerk_name: string; expected_cash_piasters: number;
  counted_cash_piasters?: number | null; difference_piasters?: number | null; closed: boolean; closed_at?: string | null };

function Drawers(props: { rows: DrawerRow[]; name: (code: string) => string }) {
  if (props.rows.length === 0) return <p>{ta("admin.drawers.empty")}</p>;
  return (
    <Table caption={ta("admin.drawers.title")} numeric={[3, 4, 5]}
      header={[ta("admin.drawers.clerk"), ta("admin.finance.day"), ta("admin.range.district"), ta("admin.drawers.expected"),
        ta("admin.drawers.counted"), ta("admin.drawers.difference"), ta("admin.drawers.closed")]}
      rows={props.rows.map((d) => [
        d.clerk_name,
        <bdi dir="ltr">{d.day}</bdi>,
        props.name(d.district),
        money(d.expected_cash_piasters),
        d.counted_cash_piasters === null || d.counted_cash_piasters === undefined ? "—" : money(d.counted_cash_piasters),
        d.difference_piasters === null || d.difference_piasters === undefined ? "—" : money(d.difference_piasters),
        d.closed && d.closed_at ? ta("admin.drawers.closedAt", { time: dateTime(d.closed_at) }) : ta("admin.drawers.notClosed"),
      ])} />
  );
}

/** What finance did at the gateway: its refund reference, and why. The API checks both and
 * names the field at fault; here only "answered at all" is checked before sending. */
function RefundForm(props: { payment: Flagged; onDone: (payment: Flagged) => void; onCancel: () => void }) {
  const [reference, setReference] = useState("");
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<Problem>();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const fieldMessage = (id: string) => errors.find((e) => e.target === id)?.message;

  const submit = async (event: Event) => {
    event.preventDefault();
    const missing: FieldError[] = [];
    if (!reference.trim()) missing.push({ target: "refund-reference", message: ta("admin.refund.needReference") });
    if (!note.trim()) missing.push({ target: "refund-note", message: ta("admin.refund.needNote") });
    setErrors(missing);
    setProblem(undefined);
    if (missing.length) return;
    setBusy(true);
    const result = await call(() => api.POST("/v1/payments/{payment_id}/refund", {
      params: { path: { payment_id: props.payment.payment_id } },
      body: { refund_reference: reference.trim(), note: note.trim() } }));
    setBusy(false);
    if (result.problem) {
      const fields = result.problem.fields;
      const onFields: FieldError[] = [
        ...(fields.refund_reference ? [{ target: "refund-reference", message: fields.refund_reference }] : []),
        ...(fields.note ? [{ target: "refund-note", message: fields.note }] : []),
      ];
      setErrors(onFields);
      setProblem(result.problem);
      return;
    }
    props.onDone(props.payment);
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <h2 id="refund-title">{ta("admin.refund.title", { amount: money(props.payment.amount_piasters) })}</h2>
      <p>{codeLabel("admin.flag", props.payment.flag_reason)} — <bdi dir="ltr" class="code">{props.payment.payment_id}</bdi></p>
      <p class="hint">{ta("admin.refund.explain")}</p>
      <ErrorSummary problem={problem} errors={errors} />
      <TextField id="refund-reference" label={ta("admin.refund.reference")} hint={ta("admin.refund.referenceHint")}
        value={reference} onValue={setReference} ltr error={fieldMessage("refund-reference")} />
      <TextField id="refund-note" label={ta("admin.refund.note")} value={note} onValue={setNote} multiline
        error={fieldMessage("refund-note")} />
      <div class="admin-actions">
        <button type="submit" class="button" disabled={busy}>{ta("admin.refund.submit")}</button>
        <button type="button" class="button button-secondary" onClick={props.onCancel}>{ta("admin.refund.cancel")}</button>
      </div>
    </form>
  );
}
