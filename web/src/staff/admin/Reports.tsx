import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { call } from "../../api/problem";
import { t, useLocale } from "../../i18n";
import { loadCatalogue } from "../../lib/catalogue";
import { dateTime, digits, money } from "../../lib/format";
import { districtName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { BarChart, type Series } from "./Chart";
import { asOfFileName, egp, fileName, type Cell } from "./csv";
import { cairoToday } from "./dates";
import { codeLabel, ta } from "./i18n";
import { CsvButton, Loading, RangeForm, Table, defaultRange, type Range } from "./parts";
import { grouped, revenueByDayAndChannel, statusColumns } from "./reportData";
import "./admin.css";

const TONES: Series["tone"][] = ["a", "b", "c", "d", "e"];
const statusLabel = (status: string) => {
  const label = t(`status.${status}` as Parameters<typeof t>[0]);
  return label && !label.startsWith("status.") ? label : status;
};

/** /staff/admin/reports: applications by district and status, time to licence, revenue per day
 * and channel, fines assessed and paid; each as a chart, its table, and a CSV of the table. */
export default function Reports() {
  useLocale(); // the title is worded here: a language switch must re-render it
  return (
    <StaffPage title={ta("admin.reports.title")} roles={["admin"]}>
      {() => <ReportsBody />}
    </StaffPage>
  );
}

function ReportsBody() {
  const [range, setRange] = useState<Range>(defaultRange);
  const catalogue = useLoad(loadCatalogue, []);
  const applications = useLoad(() => call(() => api.GET("/v1/reports/applications",
    { params: { query: { district: range.district || undefined } } })), [range.district]);
  const finance = useLoad(() => call(() => api.GET("/v1/reports/finance",
    { params: { query: { from: range.from, to: range.to, district: range.district || undefined } } })),
  [range.from, range.to, range.district]);
  const districts = catalogue.data?.districts ?? [];
  const problem = catalogue.problem ?? applications.problem ?? finance.problem;
  const ready = catalogue.data && applications.data && finance.data;
  return (
    <>
      <RangeForm value={range} districts={districts} problem={finance.problem} onChange={setRange} />
      {!ready && <Loading problem={problem} loading onRetry={() => { void applications.reload(); void finance.reload(); }} />}
      {ready && (
        <>
          <p class="hint">{ta("admin.reports.asOf", { time: dateTime(applications.data!.generated_at) })}</p>
          <ApplicationsSection report={applications.data!} name={(code) => districtName(code, districts)} />
          <DecisionSection report={applications.data!} name={(code) => districtName(code, districts)} />
          <RevenueSection rows={finance.data!.rows} range={{ ...range, from: finance.data!.from, to: finance.data!.to }} />
          <FinesSection report={applications.data!} name={(code) => districtName(code, districts)} />
        </>
      )}
    </>
  );
}

type ApplicationsReport = NonNullable<Awaited<ReturnType<typeof loadApplications>>["data"]>;
const loadApplications = () => call(() => api.GET("/v1/reports/applications"));

interface SectionProps {
  report: ApplicationsReport;
  name: (district: string) => string;
}

function Section(props: { id: string; title: string; children: preact.ComponentChildren }) {
  return (
    <section class="admin-section" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

function ApplicationsSection({ report, name }: SectionProps) {
  const title = ta("admin.reports.applications.title");
  const statuses = statusColumns(report.by_status);
  const lines = report.districts.map((code) => ({ code, line: report.by_district[code] }));
  const series: Series[] = (["open", "issued", "closed"] as const).map((key, i) =>
    ({ key, label: ta(`admin.reports.group.${key}`), tone: TONES[i] }));
  const header = [ta("admin.reports.district"), ...statuses.map(statusLabel), ta("admin.reports.total")];
  const csvRows: Cell[][] = lines.map(({ code, line }) =>
    [name(code), ...statuses.map((s) => line.by_status[s] ?? 0), line.total]);
  return (
    <Section id="report-applications" title={title}>
      <BarChart id="chart-applications" title={ta("admin.reports.applications.chart")} series={series}
        format={(n) => digits(n)} integer
        bars={lines.map(({ code, line }) => ({ label: name(code),
          parts: Object.entries(grouped(line.by_status)).map(([key, value]) => ({ key, value })) }))} />
      <Table caption={title} header={header} numeric={statuses.map((_, i) => i + 1).concat(statuses.length + 1)}
        rows={lines.map(({ code, line }) => [name(code), ...statuses.map((s) => digits(line.by_status[s] ?? 0)), digits(line.total)])}
        foot={[ta("admin.reports.total"), ...statuses.map((s) => digits(report.by_status[s] ?? 0)), digits(report.total)]} />
      <CsvButton name={title} file={asOfFileName("applications", cairoToday(new Date(report.generated_at)))} header={header}
        rows={[...csvRows, [ta("admin.reports.total"), ...statuses.map((s) => report.by_status[s] ?? 0), report.total]]} />
    </Section>
  );
}

function DecisionSection({ report, name }: SectionProps) {
  const title = ta("admin.reports.decision.title");
  const lines = report.districts.map((code) => ({ code, line: report.by_district[code] }));
  const header = [ta("admin.reports.district"), ta("admin.reports.decision.days"), ta("admin.reports.decision.count"),
    ta("admin.reports.issue.days"), ta("admin.reports.decision.issued")];
  const where = report.district ? name(report.district) : ta("admin.reports.everywhere");
  const days = (value?: number | null) => (value === null || value === undefined ? "—" : digits(value));
  return (
    <Section id="report-decision" title={title}>
      <p>{report.average_days_to_decision === null || report.average_days_to_decision === undefined
        ? ta("admin.reports.decision.none")
        : ta("admin.reports.decision.lead", { district: where, days: digits(report.average_days_to_decision), count: report.decided_count })}</p>
      {lines.some(({ line }) => (line.average_days_to_decision ?? 0) > 0) && <BarChart id="chart-decision"
        title={ta("admin.reports.decision.chart")} format={(n) => digits(n)}
        series={[{ key: "days", label: ta("admin.reports.decision.days"), tone: "b" }]}
        bars={lines.map(({ code, line }) => ({ label: name(code), parts: [{ key: "days", value: line.average_days_to_decision ?? 0 }] }))} />}
      <Table caption={title} header={header} numeric={[1, 2, 3, 4]}
        rows={lines.map(({ code, line }) => [name(code), days(line.average_days_to_decision), digits(line.decided_count),
          days(line.average_days_to_issue), digits(line.issued_count)])}
        foot={[ta("admin.reports.total"), days(report.average_days_to_decision), digits(report.decided_count),
          days(report.average_days_to_issue), digits(report.issued_count)]} />
      <CsvButton name={title} file={asOfFileName("time-to-decision", cairoToday(new Date(report.generated_at)))} header={header}
        rows={lines.map(({ code, line }) => [name(code), line.average_days_to_decision ?? null, line.decided_count,
          line.average_days_to_issue ?? null, line.issued_count])} />
    </Section>
  );
}

function RevenueSection(props: { rows: { day: string; gateway: string; status: string; amount_piasters: number }[]; range: Range }) {
  const title = ta("admin.reports.revenue.title");
  const table = revenueByDayAndChannel(props.rows, props.range.from, props.range.to);
  const series: Series[] = table.channels.map((channel, i) =>
    ({ key: channel, label: codeLabel("admin.channel", channel), tone: TONES[i % TONES.length] }));
  const header = [ta("admin.reports.revenue.day"), ...series.map((s) => s.label), ta("admin.reports.total")];
  const days = table.days.filter((day) => table.totalByDay[day] > 0);
  return (
    <Section id="report-revenue" title={title}>
      <p>{ta("admin.reports.revenue.lead", { total: money(table.total) })}</p>
      {table.total > 0 && <BarChart id="chart-revenue" title={ta("admin.reports.revenue.chart")} series={series}
        format={(n) => money(n)}
        bars={days.map((day) => ({ label: day, parts: table.channels.map((c) => ({ key: c, value: table.paid[day][c] })) }))} />}
      <Table caption={title} header={header} numeric={series.map((_, i) => i + 1).concat(series.length + 1)}
        rows={days.map((day) => [<bdi dir="ltr">{day}</bdi>, ...table.channels.map((c) => money(table.paid[day][c])), money(table.totalByDay[day])])}
        foot={[ta("admin.reports.total"), ...table.channels.map((c) => money(days.reduce((sum, day) => sum + table.paid[day][c], 0))), money(table.total)]} />
      <CsvButton name={title} file={fileName("revenue", props.range.from, props.range.to)} header={header}
        rows={table.days.map((day) => [day, ...table.channels.map((c) => egp(table.paid[day][c])), egp(table.totalByDay[day])])} />
    </Section>
  );
}

function FinesSection({ report, name }: SectionProps) {
  const title = ta("admin.reports.fines.title");
  const lines = report.districts.map((code) => ({ code, fines: report.by_district[code].fines }));
  const header = [ta("admin.reports.district"), ta("admin.reports.fines.assessed"), ta("admin.reports.fines.collected"), ta("admin.reports.fines.outstanding")];
  return (
    <Section id="report-fines" title={title}>
      {report.fines.assessed_piasters > 0 && <BarChart id="chart-fines" title={ta("admin.reports.fines.chart")} format={(n) => money(n)}
        series={[{ key: "collected", label: ta("admin.reports.fines.collected"), tone: "a" },
          { key: "outstanding", label: ta("admin.reports.fines.outstanding"), tone: "c" }]}
        bars={lines.map(({ code, fines }) => ({ label: name(code),
          parts: [{ key: "collected", value: fines.collected_piasters }, { key: "outstanding", value: fines.outstanding_piasters }] }))} />}
      <Table caption={title} header={header} numeric={[1, 2, 3]}
        rows={lines.map(({ code, fines }) => [name(code), money(fines.assessed_piasters), money(fines.collected_piasters), money(fines.outstanding_piasters)])}
        foot={[ta("admin.reports.total"), money(report.fines.assessed_piasters), money(report.fines.collected_piasters), money(report.fines.outstanding_piasters)]} />
      <CsvButton name={title} file={asOfFileName("fines", cairoToday(new Date(report.generated_at)))} header={header}
        rows={lines.map(({ code, fines }) => [name(code), egp(fines.assessed_piasters), egp(fines.collected_piasters), egp(fines.outstanding_piasters)])} />
    </Section>
  );
}
