// /staff/violations: the district's violation reports (issue 17), the last received first,
// each with the licence it names (linked when we issued it), photos, position and times.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { call } from "../../api/problem";
import type { paths } from "../../api/schema";
import { Code, Loading, ProblemBox } from "../../components/Status";
import { dateTime, digits } from "../../lib/format";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { ts } from "../i18n";
import { tv, type ViolationsKey } from "./i18n";
import "./violations.css";

type ViolationList = paths["/v1/violations"]["get"]["responses"][200]["content"]["application/json"];
type Violation = ViolationList["violations"][number];

function Licence(props: { licence: NonNullable<Violation["licence"]> }) {
  const { licence } = props;
  if (!licence.found) {
    return <><Code>{licence.number}</Code> <span class="hint">{tv("violations.licenceUnknown")}</span></>;
  }
  const status = licence.status ? tv(`violations.status.${licence.status}` as ViolationsKey) ?? licence.status : "";
  return (
    <>
      <a href={`/staff/licences/${licence.number}`}><Code>{licence.number}</Code></a>
      {status && <span> · {tv("violations.licenceStatus", { status })}</span>}
    </>
  );
}

function Report(props: { item: Violation }) {
  const { item } = props;
  const { lat, lng, accuracy_m: accuracy } = item.position;
  return (
    <li class="card violation">
      <h2 class="card-title">{tv(`violations.kind.${item.kind}` as ViolationsKey)}</h2>
      <dl class="summary-list">
        {item.licence && (
          <div class="summary-row"><dt>{tv("violations.licence")}</dt><dd><Licence licence={item.licence} /></dd></div>
        )}
        <div class="summary-row"><dt>{tv("violations.position")}</dt>
          <dd><bdi dir="ltr">{lat.toFixed(5)}, {lng.toFixed(5)}</bdi>
            {accuracy != null && <> {tv("violations.accuracy", { metres: digits(Math.round(accuracy)) })}</>}</dd></div>
        <div class="summary-row"><dt>{tv("violations.observed")}</dt><dd>{dateTime(item.observed_at)}</dd></div>
        <div class="summary-row"><dt>{tv("violations.received")}</dt><dd>{dateTime(item.reported_at)}</dd></div>
        <div class="summary-row"><dt>{tv("violations.reporter")}</dt>
          <dd>{item.reporter.name ?? <Code>{item.reporter.sub}</Code>}</dd></div>
        {item.note && <div class="summary-row"><dt>{tv("violations.note")}</dt><dd>{item.note}</dd></div>}
      </dl>
      {item.photos.length > 0 ? (
        <ul class="violation-photos" aria-label={tv("violations.photos")}>
          {item.photos.map((photo, index) => photo.download_url && (
            <li key={photo.id}>
              <a href={photo.download_url} target="_blank" rel="noopener">
                <img src={photo.download_url} loading="lazy" width={160} height={120}
                  alt={tv("violations.photoAlt", { n: index + 1, count: item.photos.length })} />
              </a>
            </li>
          ))}
        </ul>
      ) : <p class="hint">{tv("violations.noPhotos")}</p>}
    </li>
  );
}

export default function Violations() {
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const [earlier, setEarlier] = useState<Violation[]>([]);
  const page = useLoad(() => call(() => api.GET("/v1/violations", { params: { query: { limit: "20", cursor } } })), [cursor]);
  const items = [...earlier, ...(page.data?.violations ?? [])];
  const next = page.data?.next_cursor;
  return (
    <StaffPage title={tv("violations.title")} roles={["officer"]} caption={ts("staff.console")}>
      {() => (
        <>
          <p class="lead">{tv("violations.intro")}</p>
          {page.problem && <ProblemBox problem={page.problem} onRetry={page.reload} />}
          {page.loading && !page.data && <Loading />}
          {page.data && items.length === 0 && <p>{tv("violations.none")}</p>}
          <ul class="cards violation-list">{items.map((item) => <Report key={item.id} item={item} />)}</ul>
          {next && (
            <p><button type="button" class="button button-secondary"
              onClick={() => { setEarlier(items); setCursor(next); }}>{tv("violations.more")}</button></p>
          )}
        </>
      )}
    </StaffPage>
  );
}
