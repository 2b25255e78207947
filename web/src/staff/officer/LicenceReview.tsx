import { useRoute } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api, type Licence } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { Code, Loading, ProblemBox, StatusTag } from "../../components/Status";
import { useLocale } from "../../i18n";
import { calendarDate, dateTime, money } from "../../lib/format";
import { districtName, kindLabel, licenceState } from "../../lib/labels";
import { loadCatalogue } from "../../lib/catalogue";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { LicenceStatusForm } from "./forms";
import { to } from "./i18n";
import { AuditTrail } from "./parts";
import "./officer.css";

/** /staff/licences/:number: the licence, the status changes it allows (with a reason), its audit. */
export default function LicenceReview() {
  useLocale();
  const { params } = useRoute();
  return (
    <StaffPage title={to("licence.title")} roles={["officer"]}>
      {() => <LicenceBody number={params.number} />}
    </StaffPage>
  );
}

function LicenceBody(props: { number: string }) {
  const catalogue = useLoad(loadCatalogue, []);
  const [licence, setLicence] = useState<Licence>();
  const [problem, setProblem] = useState<Problem>();
  const [version, setVersion] = useState(0);
  const [done, setDone] = useState<string>();
  const load = async () => {
    const result = await call(() => api.GET("/v1/licences/{number}", { params: { path: { number: props.number } } }));
    setProblem(result.problem);
    if (result.data) setLicence(result.data);
  };
  useEffect(() => void load(), [props.number]);
  if (problem && !licence) {
    return (
      <>
        <ProblemBox problem={problem} onRetry={load} />
        <p><a href="/staff/licences">{to("licence.back")}</a></p>
      </>
    );
  }
  if (!licence) return <Loading />;
  return (
    <>
      {done && <p class="notice notice-done" role="status">{done}</p>}
      <dl class="summary-list">
        <div class="summary-row"><dt>{to("licence.number")}</dt><dd><Code>{licence.number}</Code></dd></div>
        <div class="summary-row"><dt>{to("licence.kind")}</dt><dd>{kindLabel(licence.kind)}</dd></div>
        <div class="summary-row"><dt>{to("licence.status")}</dt><dd><StatusTag status={licenceState(licence)} licence />
          {licence.status_reason && <div class="hint">{to("licence.statusReason", { reason: licence.status_reason })}</div>}</dd></div>
        {licence.replaced_by && (
          <div class="summary-row"><dt>{to("licence.replacedBy")}</dt>
            <dd><a href={`/staff/licences/${licence.replaced_by}`}><Code>{licence.replaced_by}</Code></a></dd></div>
        )}
        <div class="summary-row"><dt>{to("licence.holder")}</dt><dd>{licence.holder.name}</dd></div>
        <div class="summary-row"><dt>{to("licence.district")}</dt><dd>{districtName(licence.district, catalogue.data?.districts ?? [])}</dd></div>
        <div class="summary-row"><dt>{to("licence.validity")}</dt>
          <dd>{to("licence.validityRange", { from: calendarDate(licence.valid_from), until: calendarDate(licence.valid_until) })}</dd></div>
        <div class="summary-row"><dt>{to("licence.site")}</dt><dd>{licence.site.address}</dd></div>
        <div class="summary-row"><dt>{to("licence.issued")}</dt><dd>{dateTime(licence.issued_at)}</dd></div>
        <div class="summary-row"><dt>{to("licence.fines")}</dt><dd>{money(licence.outstanding_fines_piasters)}</dd></div>
        <div class="summary-row"><dt>{to("licence.application")}</dt>
          <dd><a href={`/staff/applications/${licence.application_id}`}><Code>{licence.application_id}</Code></a></dd></div>
      </dl>
      {licence.replaced_by
        ? <p class="notice">{to("licence.replacedNoActions")} <Code>{licence.replaced_by}</Code></p>
        : <LicenceStatusForm key={licence.status} number={licence.number} status={licence.status} onDone={async () => {
          await load();
          setVersion((n) => n + 1);
          setDone(to("done.licence"));
        }} />}
      <AuditTrail statusPrefix="licence.status" id="licence-audit" version={version}
        load={(cursor) => call(() => api.GET("/v1/licences/{number}/audit",
          { params: { path: { number: props.number }, query: cursor ? { cursor } : {} } }))} />
    </>
  );
}
