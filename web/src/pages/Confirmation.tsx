import { useRoute } from "preact-iso";
import { api } from "../api/client";
import { call } from "../api/problem";
import { Documents } from "../components/Documents";
import { Page } from "../components/Page";
import { Code, Loading, ProblemBox } from "../components/Status";
import { t, useLocale } from "../i18n";
import { loadCatalogue } from "../lib/catalogue";
import { money } from "../lib/format";
import { useSignedIn } from "../lib/guard";
import { useLoad } from "../lib/useLoad";

/** The confirmation: the reference, and what happens next. */
export default function Confirmation() {
  useLocale();
  const person = useSignedIn();
  const { params } = useRoute();
  const application = useLoad(() => call(() => api.GET("/v1/applications/{application_id}",
    { params: { path: { application_id: params.id } } })), [params.id]);
  const catalogue = useLoad(loadCatalogue, []);
  if (!person) return null;
  if (application.problem) return <ProblemBox problem={application.problem} onRetry={application.reload} />;
  if (!application.data) return <Loading />;
  const { id, amount_due_piasters: due, service_code: code, documents_missing: missing } = application.data;
  const service = catalogue.data?.services.find((candidate) => candidate.code === code);
  return (
    <>
      <div class="panel-confirmation">
        <Page title={t("confirmation.title")}>
          <p>{t("confirmation.reference")}</p>
          <p class="reference"><Code>{id}</Code></p>
        </Page>
      </div>
      <h2>{t("confirmation.next")}</h2>
      <ol class="list-number">
        {(missing?.length ?? 0) > 0 && <li>{t("confirmation.nextDocuments")}</li>}
        {due > 0 && <li>{t("confirmation.nextPay", { amount: money(due) })}</li>}
        <li>{t("confirmation.nextReview")}</li>
        <li>{t("confirmation.nextSms")}</li>
      </ol>
      {service && <Documents applicationId={id} service={service} missing={missing ?? []} open
        onUploaded={() => void application.reload()} />}
      <a role="button" class="button" href={`/applications/${id}`}>
        {due > 0 ? t("confirmation.goPay") : t("confirmation.view")}
      </a>
    </>
  );
}
