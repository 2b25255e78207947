import { api } from "../api/client";
import { call } from "../api/problem";
import { Page } from "../components/Page";
import { Code, Loading, ProblemBox, StatusTag } from "../components/Status";
import { t, useLocale } from "../i18n";
import { calendarDate } from "../lib/format";
import { useSignedIn } from "../lib/guard";
import { kindLabel, licenceState } from "../lib/labels";
import { useLoad } from "../lib/useLoad";

export default function Licences() {
  useLocale();
  const person = useSignedIn();
  const list = useLoad(() => call(() => api.GET("/v1/licences", {})), [person?.sub]);
  if (!person) return null;
  const licences = list.data?.licences;
  return (
    <Page title={t("licences.title")}>
      {list.problem && <ProblemBox problem={list.problem} onRetry={list.reload} />}
      {!licences && !list.problem && <Loading />}
      {licences?.length === 0 && <p>{t("licences.none")}</p>}
      <ul class="cards">
        {licences?.map((licence) => (
          <li key={licence.number} class="card">
            <h2 class="card-title">
              <a href={`/licences/${licence.number}`}>{t("licence.title", { kind: kindLabel(licence.kind ?? "") })}</a>
            </h2>
            <p class="card-meta"><StatusTag status={licenceState(licence)} licence /> <Code>{licence.number ?? ""}</Code></p>
            {licence.valid_until && <p class="card-meta">{t("licences.validUntil", { date: calendarDate(licence.valid_until) })}</p>}
          </li>
        ))}
      </ul>
    </Page>
  );
}
