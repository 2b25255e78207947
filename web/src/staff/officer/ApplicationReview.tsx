import { useRoute } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api, type Application, type FieldSpec, type Service } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { Code, Loading, ProblemBox, StatusTag } from "../../components/Status";
import { locale, pick, t, useLocale, type MessageKey } from "../../i18n";
import { fieldSpecs, loadCatalogue } from "../../lib/catalogue";
import { dateTime, digits, money, separator } from "../../lib/format";
import { choiceLabel, districtName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { Documents, slotName } from "./Documents";
import { DecisionForm } from "./forms";
import { codeLabel, to } from "./i18n";
import { Inspections } from "./Inspections";
import { AuditTrail, SlaTag, TableBox } from "./parts";
import { SiteView } from "./SiteView";
import { slaOf } from "./sla";
import type { Document, Inspection } from "./types";
import "./officer.css";

/** /staff/applications/:id: everything the officer needs to decide, and the actions. */
export default function ApplicationReview() {
  useLocale();
  const { params } = useRoute();
  return (
    <StaffPage title={to("review.title")} roles={["officer"]}>
      {() => <ReviewBody id={params.id} />}
    </StaffPage>
  );
}

function value(spec: FieldSpec | undefined, raw: unknown): string {
  if (raw === undefined || raw === null || raw === "") return "—";
  if (typeof raw === "boolean") return raw ? t("common.yes") : t("common.no");
  if (typeof raw === "number") return digits(raw);
  return spec?.type === "enum" ? choiceLabel(String(raw)) : String(raw);
}

function ReviewBody(props: { id: string }) {
  const catalogue = useLoad(loadCatalogue, []);
  const [application, setApplication] = useState<Application>();
  const [documents, setDocuments] = useState<Document[]>([]);
  const [inspections, setInspections] = useState<Inspection[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [version, setVersion] = useState(0);
  const [done, setDone] = useState<string>();
  const path = { params: { path: { application_id: props.id } } };

  const load = async () => {
    const [app, docs, visits] = await Promise.all([
      call(() => api.GET("/v1/applications/{application_id}", path)),
      call(() => api.GET("/v1/applications/{application_id}/documents", path)),
      call(() => api.GET("/v1/applications/{application_id}/inspections", path)),
    ]);
    setProblem(app.problem ?? docs.problem ?? visits.problem);
    if (app.data) setApplication(app.data);
    if (docs.data) setDocuments(docs.data.documents);
    if (visits.data) setInspections(visits.data.inspections);
  };
  useEffect(() => void load(), [props.id]);
  const after = (message: string) => async () => {
    await load();
    setVersion((n) => n + 1);
    setDone(message);
  };

  if (problem && !application) return <ProblemBox problem={problem} onRetry={load} />;
  if (!application) return <Loading />;
  const service: Service | undefined = catalogue.data?.services.find((s) => s.code === application.service_code);
  const specs = service ? fieldSpecs(service) : [];
  const underReview = application.status === "under_review";
  const names = new Set(specs.map((spec) => spec.name));
  const extra = Object.keys(application.details).filter((name) => !names.has(name));
  return (
    <>
      {done && <p class="notice notice-done" role="status">{done}</p>}
      {problem && <ProblemBox problem={problem} onRetry={load} />}
      <div class="review-grid">
        <section aria-labelledby="summary-title">
          <h2 id="summary-title">{service ? pick(service.name_ar, service.name_en) : application.service_code}</h2>
          <dl class="summary-list">
            <div class="summary-row"><dt>{to("review.reference")}</dt><dd><Code>{application.id}</Code></dd></div>
            <div class="summary-row"><dt>{to("review.status")}</dt><dd><StatusTag status={application.status} /></dd></div>
            <div class="summary-row"><dt>{to("review.sla")}</dt>
              <dd><SlaTag sla={slaOf(application, service?.expected_days, new Date())} />
                {service && <div class="hint">{to("review.expected", { days: service.expected_days })}</div>}</dd></div>
            <div class="summary-row"><dt>{to("review.district")}</dt><dd>{districtName(application.district, catalogue.data?.districts ?? [])}</dd></div>
            <div class="summary-row"><dt>{to("review.submitted")}</dt><dd>{dateTime(application.created_at)}</dd></div>
            {application.decision_reason && (
              <div class="summary-row"><dt>{to("review.reason")}</dt><dd>{application.decision_reason}</dd></div>
            )}
            {application.licence_number && (
              <div class="summary-row"><dt>{to("review.licence")}</dt>
                <dd><a href={`/staff/licences/${application.licence_number}`}><Code>{application.licence_number}</Code></a></dd></div>
            )}
          </dl>
        </section>
        <section aria-labelledby="applicant-title">
          <h2 id="applicant-title">{to("review.applicant")}</h2>
          <dl class="summary-list">
            <div class="summary-row"><dt>{to("review.applicantName")}</dt><dd>{application.applicant.name}</dd></div>
            <div class="summary-row"><dt>{to("review.nationalId")}</dt><dd><Code>{application.applicant.national_id}</Code></dd></div>
            <div class="summary-row"><dt>{to("review.mobile")}</dt><dd><Code>{application.applicant.mobile}</Code></dd></div>
          </dl>
        </section>
      </div>
      <section aria-labelledby="details-title">
        <h2 id="details-title">{to("review.details")}</h2>
        <dl class="summary-list">
          {specs.map((spec) => (
            <div class="summary-row" key={spec.name}><dt>{pick(spec.label_ar, spec.label_en)}</dt>
              <dd>{value(spec, application.details[spec.name])}</dd></div>
          ))}
          {extra.map((name) => (
            <div class="summary-row" key={name}><dt><Code>{name}</Code></dt><dd>{value(undefined, application.details[name])}</dd></div>
          ))}
        </dl>
      </section>
      <section aria-labelledby="site-title">
        <h2 id="site-title">{to("review.site")}</h2>
        <SiteView site={application.site} />
      </section>
      <section aria-labelledby="fees-title">
        <h2 id="fees-title">{to("review.fees")}</h2>
        <TableBox name={to("review.fees")}>
          <table class="staff-table">
            <thead><tr><th scope="col">{to("fees.fee")}</th><th scope="col">{to("fees.stage")}</th>
              <th scope="col">{to("fees.amount")}</th><th scope="col">{to("fees.state")}</th></tr></thead>
            <tbody>
              {application.fees.map((fee, index) => (
                <tr key={`${fee.code}-${index}`}>
                  <td>{pick(fee.name_ar, fee.name_en)}</td>
                  <td>{codeLabel("fees.stage", fee.stage, locale())}</td>
                  <td class="numeric">{money(fee.amount_piasters)}</td>
                  <td>{fee.paid_by ? <>{to("fees.paid")}{separator()}<Code>{fee.paid_by}</Code></> : to("fees.unpaid")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      </section>
      <Documents documents={documents} missing={application.documents_missing ?? []} service={service} />
      <Inspections applicationId={application.id} inspections={inspections} canInspect={underReview}
        onDone={after(to("done.inspection"))} />
      {underReview
        ? <DecisionForm applicationId={application.id} onDone={after(to("done.decision"))}
          missingDocuments={(application.documents_missing ?? []).map((slot) => slotName(slot, service))} />
        : <p class="hint">{to("decision.notNow", { status: t(`status.${application.status}` as MessageKey) ?? application.status })}</p>}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{to("review.timeline")}</h2>
        <ol class="timeline">
          {[...application.timeline].reverse().map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              <strong>{t(`event.${entry.status}` as MessageKey) ?? entry.status}</strong>
              <span class="hint"> {dateTime(entry.at)}{separator()}{codeLabel("role", entry.by_role, locale())}</span>
              {entry.reason && <div class="hint">{entry.reason}</div>}
            </li>
          ))}
        </ol>
      </section>
      <AuditTrail statusPrefix="status" id="application-audit" version={version}
        load={(cursor) => call(() => api.GET("/v1/applications/{application_id}/audit",
          { params: { path: { application_id: props.id }, query: cursor ? { cursor } : {} } }))} />
    </>
  );
}
