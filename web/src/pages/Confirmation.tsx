import { useRoute } from "preact-iso";
import { api } from "../api/client";
import { call } from "../api/problem";
import { Page } from "../components/Page";
import { Code, Loading, ProblemBox } from "../components/Status";
import { t, useLocale } from "../i18n";
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
  if (!person) return null;
  if (application.problem) return <ProblemBox problem={application.problem} onRetry={application.reload} />;
  if (!application.data) return <Loading />;
  const { id, amount_due_piasters: due } = application.data;
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
        {due > 0 && <li>{t("confirmation.nextPay", { amount: money(due) })}</li>}
        <li>{t("confirmation.nextReview")}</li>
        <li>{t("confirmation.nextSms")}</li>
      </ol>
      <a role="button" class="button" href={`/applications/${id}`}>
        {due > 0 ? t("confirmation.goPay") : t("confirmation.view")}
      </a>
    </>
  );
}
