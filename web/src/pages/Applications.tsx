import { api } from "../api/client";
import { call } from "../api/problem";
import { Page } from "../components/Page";
import { Code, Loading, ProblemBox, StatusTag } from "../components/Status";
import { t, useLocale } from "../i18n";
import { loadCatalogue } from "../lib/catalogue";
import { dateTime } from "../lib/format";
import { useSignedIn } from "../lib/guard";
import { serviceTitle } from "../lib/services";
import { useLoad } from "../lib/useLoad";

export default function Applications() {
  useLocale();
  const person = useSignedIn();
  const catalogue = useLoad(loadCatalogue, []);
  const list = useLoad(() => call(() => api.GET("/v1/applications", {})), [person?.sub]);
  if (!person) return null;
  const applications = list.data?.applications;
  return (
    <Page title={t("applications.title")}>
      {list.problem && <ProblemBox problem={list.problem} onRetry={list.reload} />}
      {!applications && !list.problem && <Loading />}
      {applications?.length === 0 && (
        <>
          <p>{t("applications.none")}</p>
          <a href="/" role="button" class="button">{t("applications.start")}</a>
        </>
      )}
      <ul class="cards">
        {applications?.map((application) => (
          <li key={application.id} class="card">
            <h2 class="card-title">
              <a href={`/applications/${application.id}`}>{serviceTitle(application.service_code, catalogue.data)}</a>
            </h2>
            <p class="card-meta"><StatusTag status={application.status} /> <Code>{application.id}</Code></p>
            {application.created_at && <p class="card-meta">{t("applications.submittedOn", { date: dateTime(application.created_at) })}</p>}
          </li>
        ))}
      </ul>
    </Page>
  );
}
