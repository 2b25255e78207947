import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary } from "../../components/ErrorSummary";
import { TextField } from "../../components/Fields";
import { Code, Loading, ProblemBox } from "../../components/Status";
import { calendarDate, dateTime, money } from "../../lib/format";
import { useLoad } from "../../lib/useLoad";
import { useLocale } from "../../i18n";
import { StaffPage } from "../StaffPage";
import { drawerBalance, piastersFromPounds } from "./counter";
import { tc } from "./i18n";
import { Receipt } from "./Receipt";
import "./counter.css";

type DrawerState = NonNullable<Awaited<ReturnType<typeof loadDrawer>>["data"]>;
const loadDrawer = () => call(() => api.GET("/v1/counter/drawer"));

/** /staff/counter/drawer: today's drawer (Cairo day): the payments taken, the cash it should
 * hold; closed once with the cash counted, and the difference shown. A closed day says so. */
export default function Drawer() {
  useLocale();
  return (
    <StaffPage title={tc("drawer.title")} roles={["clerk"]}>
      {() => <Today />}
    </StaffPage>
  );
}

function Today() {
  const loaded = useLoad(loadDrawer, []);
  const [closed, setClosed] = useState<DrawerState>();
  const drawer = closed ?? loaded.data;
  if (loaded.problem) return <ProblemBox problem={loaded.problem} onRetry={loaded.reload} />;
  if (!drawer) return <Loading />;
  return (
    <>
      <p class="counter-day">{tc("drawer.day", { day: calendarDate(drawer.day) })}</p>
      <dl class="summary-list counter-summary">
        <div class="summary-row"><dt>{tc("drawer.expected")}</dt><dd class="counter-amount">{money(drawer.expected_cash_piasters)}</dd></div>
        <div class="summary-row"><dt>{tc("drawer.state")}</dt>
          <dd><strong class={`tag ${drawer.closed ? "tag-closed" : "tag-open"}`}>{drawer.closed ? tc("drawer.closed") : tc("drawer.open")}</strong></dd></div>
        {drawer.closed && drawer.counted_cash_piasters !== null && (
          <>
            <div class="summary-row"><dt>{tc("drawer.counted")}</dt><dd class="counter-amount">{money(drawer.counted_cash_piasters)}</dd></div>
            <div class="summary-row"><dt>{tc("drawer.difference")}</dt>
              <dd><Difference piasters={drawer.difference_piasters ?? 0} /></dd></div>
            {drawer.closed_at && <div class="summary-row"><dt>{tc("drawer.closedAt")}</dt><dd>{dateTime(drawer.closed_at)}</dd></div>}
          </>
        )}
      </dl>
      {drawer.closed
        ? <p class="notice" role="status">{tc("drawer.closedNotice")}</p>
        : <CloseForm expected={drawer.expected_cash_piasters} onClosed={setClosed} />}
      <Payments payments={drawer.payments} />
    </>
  );
}

function Difference(props: { piasters: number }) {
  const balance = drawerBalance(props.piasters);
  return (
    <span class={`counter-difference counter-${balance}`}>
      {tc(`drawer.balance.${balance}`, { amount: money(Math.abs(props.piasters)) })}
    </span>
  );
}

function CloseForm(props: { expected: number; onClosed: (drawer: DrawerState) => void }) {
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);
  const counted = piastersFromPounds(typed);

  async function close(event: Event) {
    event.preventDefault();
    if (counted === null) return setError(tc("drawer.countError"));
    setError(undefined);
    setSending(true);
    const result = await call(() => api.POST("/v1/counter/drawer/close", { body: { counted_piasters: counted } }));
    setSending(false);
    if (result.problem) {
      const field = result.problem.fields.counted_piasters;
      if (field) return setError(field);
      return setProblem(result.problem);
    }
    props.onClosed(result.data);
  }

  return (
    <section aria-labelledby="close-title">
      <h2 id="close-title">{tc("drawer.closeTitle")}</h2>
      <ErrorSummary problem={problem} errors={error ? [{ target: "counted", message: error }] : []} />
      <form onSubmit={close} noValidate>
        <TextField id="counted" label={tc("drawer.countLabel")} hint={tc("drawer.countHint")} value={typed}
          onValue={setTyped} inputMode="decimal" ltr width="short" error={error} />
        {counted !== null && (
          <p class="counter-preview" aria-live="polite">
            {tc("drawer.preview", { counted: money(counted) })} <Difference piasters={counted - props.expected} />
          </p>
        )}
        <p class="hint">{tc("drawer.once")}</p>
        <button type="submit" class="button" disabled={sending}>
          {sending ? tc("drawer.closing") : tc("drawer.close")}
        </button>
      </form>
    </section>
  );
}

function Payments(props: { payments: DrawerState["payments"] }) {
  return (
    <section>
      <h2 id="payments-title">{tc("drawer.payments", { count: props.payments.length })}</h2>
      {props.payments.length === 0 ? <p>{tc("drawer.none")}</p> : (
        <div class="staff-table-wrap" role="region" aria-labelledby="payments-title" tabIndex={0}>
          <table class="staff-table counter-payments">
            <thead>
              <tr>
                <th scope="col">{tc("drawer.col.receipt")}</th>
                <th scope="col">{tc("drawer.col.method")}</th>
                <th scope="col">{tc("drawer.col.amount")}</th>
                <th scope="col">{tc("drawer.col.application")}</th>
                <th scope="col">{tc("drawer.col.print")}</th>
              </tr>
            </thead>
            <tbody>
              {props.payments.map((payment) => (
                <tr key={payment.payment_id}>
                  <td><Code>{payment.receipt_number ?? "—"}</Code></td>
                  <td>{payment.method ? tc(`fees.method.${payment.method}`) : "—"}</td>
                  <td class="numeric">{money(payment.amount_piasters)}</td>
                  <td><a href={`/staff/counter/applications/${payment.application_id}`}
                    title={payment.application_id}><Code>{payment.application_id.slice(0, 8)}</Code></a></td>
                  <td>{payment.receipt_number && payment.status === "paid"
                    ? <Receipt paymentId={payment.payment_id} number={payment.receipt_number} />
                    : tc("drawer.status", { status: payment.status })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
