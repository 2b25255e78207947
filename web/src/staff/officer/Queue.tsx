import { useLocation, useRoute } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api, type Application } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { Code, Loading, ProblemBox, StatusTag } from "../../components/Status";
import { useLocale } from "../../i18n";
import { loadCatalogue } from "../../lib/catalogue";
import { dateTime } from "../../lib/format";
import { serviceName } from "../../lib/labels";
import { serviceTitle } from "../../lib/services";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { to } from "./i18n";
import { Select, SlaTag, TableBox } from "./parts";
import { clockStart, slaOf } from "./sla";
import type { Queue as QueuePage } from "./types";
import "./officer.css";

const PAGE_SIZE = "25";
// The statuses an officer works through, the district's turn first.
const STATUSES = ["under_review", "paid", "approved", "licence_paid", "returned", "submitted", "issued", "rejected", "cancelled"];
const AGES = ["", "3", "7", "14", "30"];
const COLUMNS = ["queue.col.reference", "queue.col.service", "queue.col.applicant", "queue.col.waiting",
  "queue.col.sla", "queue.col.status"] as const;

/** /staff/queue: the district's applications in one status, the longest waiting first. */
export default function Queue() {
  useLocale();
  return (
    <StaffPage title={to("queue.title")} roles={["officer"]}>
      {() => <QueueBody />}
    </StaffPage>
  );
}

function QueueBody() {
  const { query } = useRoute();
  const { route } = useLocation();
  const status = STATUSES.includes(query.status) ? query.status : "under_review";
  const service = query.service ?? "";
  const age = AGES.includes(query.age ?? "") ? query.age ?? "" : "";
  const catalogue = useLoad(loadCatalogue, []);
  const [pages, setPages] = useState<QueuePage[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [loading, setLoading] = useState(true);

  // The API narrows the whole queue (not the pages loaded so far): a narrowed page may hold
  // fewer than PAGE_SIZE applications, even none, while its cursor goes on.
  const fetchPage = (cursor?: string) => call(() => api.GET("/v1/applications", {
    params: { query: { status, limit: PAGE_SIZE, ...(service ? { service } : {}),
      ...(age ? { min_age_days: age } : {}), ...(cursor ? { cursor } : {}) } } }));
  const [attempt, setAttempt] = useState(0);
  // The newest filters' answer wins: an older request still on its way is ignored when it lands.
  useEffect(() => {
    let current = true;
    setLoading(true);
    void fetchPage().then((result) => {
      if (!current) return;
      setLoading(false);
      setProblem(result.problem);
      setPages(result.data ? [result.data] : []);
    });
    return () => void (current = false);
  }, [status, service, age, attempt]);
  const next = pages.length ? pages[pages.length - 1].next_cursor : undefined;
  const more = async () => {
    const result = await fetchPage(next ?? undefined);
    if (result.problem) setProblem(result.problem);
    else setPages([...pages, result.data]);
  };

  const now = new Date();
  const services = catalogue.data?.services ?? [];
  const expected = (code: string) => services.find((s) => s.code === code)?.expected_days;
  const rows = pages.flatMap((page) => page.applications)
    .map((app) => ({ app, start: clockStart(app), sla: slaOf(app, expected(app.service_code), now) }))
    .sort((a, b) => a.start.localeCompare(b.start));

  return (
    <>
      <Filters key={`${status}|${service}|${age}`} applied={{ status, service, age }}
        services={services.map((s) => ({ value: s.code, label: serviceName(s) }))}
        onApply={(search) => route(`/staff/queue${search ? `?${search}` : ""}`)} />
      <p class="hint">{to("queue.slaHint")}</p>
      {problem && <ProblemBox problem={problem} onRetry={() => setAttempt((n) => n + 1)} />}
      {loading ? <Loading /> : (
        <>
          <p role="status" class="count">{to(next ? "queue.countSoFar" : "queue.count", { shown: rows.length })}</p>
          {rows.length > 0 && (
            <TableBox name={to("queue.caption")}>
              {/* Explicit roles: on a phone the rows become cards (CSS display), and browsers drop a
                  table's semantics when its display changes unless the roles are stated. */}
              <table class="staff-table queue-table" role="table">
                <caption id="queue-caption" class="visually-hidden">{to("queue.caption")}</caption>
                <thead role="rowgroup">
                  <tr role="row">
                    {COLUMNS.map((key) => <th key={key} role="columnheader" scope="col">{to(key)}</th>)}
                  </tr>
                </thead>
                <tbody role="rowgroup">
                  {rows.map(({ app, start, sla }) => <Row key={app.id} app={app} start={start}
                    sla={sla} service={serviceTitle(app.service_code, catalogue.data)} />)}
                </tbody>
              </table>
            </TableBox>
          )}
          {rows.length === 0 && !problem && <p>{to(next ? "queue.emptySoFar" : "queue.empty")}</p>}
          {next && <button type="button" class="button button-secondary" onClick={more}>{to("queue.more")}</button>}
        </>
      )}
    </>
  );
}

function Row(props: { app: Application; start: string; sla: ReturnType<typeof slaOf>; service: string }) {
  const { app } = props;
  return (
    <tr role="row">
      <td role="cell" data-label={to(COLUMNS[0])}><a href={`/staff/applications/${app.id}`}><Code>{app.id}</Code></a></td>
      <td role="cell" data-label={to(COLUMNS[1])}>{props.service}</td>
      <td role="cell" data-label={to(COLUMNS[2])}>{app.applicant.name}</td>
      <td role="cell" data-label={to(COLUMNS[3])}>{dateTime(props.start)}</td>
      <td role="cell" data-label={to(COLUMNS[4])}><SlaTag sla={props.sla} /></td>
      <td role="cell" data-label={to(COLUMNS[5])}><StatusTag status={app.status} /></td>
    </tr>
  );
}

/** The filters as chosen, sent by the button (one request per choice, not per change). Keyed by
 * the applied filters: a new address starts it again from what the address says. */
function Filters(props: { applied: { status: string; service: string; age: string };
  services: { value: string; label: string }[]; onApply: (search: string) => void }) {
  const [choice, setChoice] = useState(props.applied);
  function apply(event: Event) {
    event.preventDefault();
    const search = new URLSearchParams();
    if (choice.status !== "under_review") search.set("status", choice.status);
    if (choice.service) search.set("service", choice.service);
    if (choice.age) search.set("age", choice.age);
    props.onApply(search.toString());
  }
  return (
    <form class="queue-filters" onSubmit={apply} aria-label={to("queue.filters")}>
      <Select id="filter-status" label={to("queue.filter.status")} value={choice.status}
        onValue={(value) => setChoice({ ...choice, status: value })}
        options={STATUSES.map((value) => ({ value, label: to(`queue.status.${value}` as never) }))} />
      <Select id="filter-service" label={to("queue.filter.service")} value={choice.service}
        onValue={(value) => setChoice({ ...choice, service: value })}
        options={[{ value: "", label: to("queue.filter.anyService") }, ...props.services]} />
      <Select id="filter-age" label={to("queue.filter.age")} value={choice.age}
        onValue={(value) => setChoice({ ...choice, age: value })}
        options={AGES.map((value) => ({ value, label: value ? to("queue.filter.olderThan", { days: Number(value) }) : to("queue.filter.anyAge") }))} />
      <button type="submit" class="button">{to("queue.filter.apply")}</button>
    </form>
  );
}
