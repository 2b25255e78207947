import { useRoute } from "preact-iso";
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary } from "../../components/ErrorSummary";
import { Code, Loading, ProblemBox, StatusTag } from "../../components/Status";
import { t, useLocale } from "../../i18n";
import { loadCatalogue } from "../../lib/catalogue";
import { calendarDate, separator } from "../../lib/format";
import { districtName, kindLabel, licenceState } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { tc } from "./i18n";
import "./counter.css";

/** /staff/counter/licences/:number: a licence as the clerk checks it against the citizen's ID
 * card, and its paper copy (the API's A4 PDF) to print. */
export default function CounterLicence() {
  useLocale();
  const { params } = useRoute();
  return (
    <StaffPage title={tc("licence.title")} roles={["clerk"]}>
      {() => <PaperCopyDesk key={params.number} number={params.number} />}
    </StaffPage>
  );
}

function PaperCopyDesk(props: { number: string }) {
  const catalogue = useLoad(loadCatalogue, []);
  const licence = useLoad(() => call(() => api.GET("/v1/licences/{number}", { params: { path: { number: props.number } } })),
    [props.number]);
  const [pdfUrl, setPdfUrl] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  async function print() {
    setBusy(true);
    const result = await call(() => api.POST("/v1/licences/{number}/paper-copy", { params: { path: { number: props.number } } }));
    setBusy(false);
    if (result.problem) return setProblem(result.problem);
    setProblem(undefined);
    setPdfUrl(result.data.pdf_url);
  }

  if (licence.problem) return <ProblemBox problem={licence.problem} onRetry={licence.reload} />;
  if (!licence.data) return <Loading />;
  const card = licence.data;
  return (
    <>
      <ErrorSummary problem={problem} />
      <dl class="summary-list counter-summary">
        <div class="summary-row"><dt>{t("licence.number")}</dt><dd><Code>{card.number}</Code></dd></div>
        <div class="summary-row"><dt>{tc("licence.kind")}</dt><dd>{kindLabel(card.kind)}</dd></div>
        <div class="summary-row"><dt>{t("licence.status")}</dt><dd><StatusTag status={licenceState(card)} licence /></dd></div>
        {card.replaced_by && (
          <div class="summary-row"><dt>{tc("licence.replacedBy")}</dt>
            <dd><Code>{card.replaced_by}</Code> <span class="hint">{tc("licence.replacedNoCopy")}</span></dd></div>
        )}
        <div class="summary-row"><dt>{t("licence.holder")}</dt><dd><bdi>{card.holder.name}</bdi></dd></div>
        <div class="summary-row"><dt>{t("apply.applicant.nationalId")}</dt><dd><Code>{card.holder.national_id}</Code></dd></div>
        <div class="summary-row"><dt>{t("licence.validity")}</dt>
          <dd>{t("licence.validityRange", { from: calendarDate(card.valid_from), until: calendarDate(card.valid_until) })}</dd></div>
        <div class="summary-row"><dt>{t("licence.site")}</dt>
          <dd><bdi>{card.site.address}</bdi>{separator()}{districtName(card.district, catalogue.data?.districts ?? [])}</dd></div>
      </dl>
      <p class="hint">{tc("licence.checkHolder")}</p>
      <div class="counter-actions">
        {card.replaced_by ? null : pdfUrl ? (
          <a class="button" href={pdfUrl} target="_blank" rel="noopener">{tc("licence.openPaperCopy")}</a>
        ) : (
          <button type="button" class="button" disabled={busy} onClick={() => void print()}>
            {busy ? tc("licence.making") : tc("licence.paperCopy")}
          </button>
        )}
        <a class="button button-secondary" href={`/staff/counter/applications/${card.application_id}`}>
          {tc("licence.openApplication")}</a>
      </div>
    </>
  );
}
