import { useRoute } from "preact-iso";
import { Page } from "../components/Page";
import { Loading, ProblemBox } from "../components/Status";
import { t, useLocale, pick } from "../i18n";
import { fieldSpecs, liveDistricts, loadCatalogue } from "../lib/catalogue";
import { list, money, separator } from "../lib/format";
import { caseLabel, fieldLabel, kindLabel, serviceName } from "../lib/labels";
import { useSession } from "../lib/session";
import { useLoad } from "../lib/useLoad";
import NotFound from "./NotFound";

/** "What do I need": fees, what we will ask, validity, where it is live. Public. */
export default function ServicePage() {
  useLocale();
  const { params } = useRoute();
  const person = useSession();
  const catalogue = useLoad(loadCatalogue, []);
  if (catalogue.problem) return <ProblemBox problem={catalogue.problem} onRetry={catalogue.reload} />;
  if (!catalogue.data) return <Loading />;
  const service = catalogue.data.services.find((candidate) => candidate.code === params.code);
  if (!service) return <NotFound />;
  const districts = liveDistricts(service, catalogue.data.districts);
  const start = `/services/${service.code}/apply/district`;
  return (
    <Page title={serviceName(service)} caption={`${kindLabel(service.kind)}${separator()}${caseLabel(service.case)}`}>
      <h2>{t("service.whatYouNeed")}</h2>
      <h3>{t("service.fees")}</h3>
      <table class="table">
        <tbody>
          {service.fees.map((fee) => (
            <tr key={fee.code}>
              <th scope="row">{pick(fee.name_ar, fee.name_en)}<div class="hint">{t("service.feeDue", { due: fee.due })}</div></th>
              <td class="numeric">{typeof fee.amount_piasters === "number" ? money(fee.amount_piasters) : t("service.feeRule")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>{t("service.eligibility")}</h3>
      <ul class="list-bullet">
        {service.eligibility.map((rule) => <li key={rule.en}>{pick(rule.ar, rule.en)}</li>)}
      </ul>
      <h3>{t("service.documents")}</h3>
      <ul class="list-bullet">
        {service.required_documents.map((slot) => (
          <li key={slot.code}>{pick(slot.name_ar, slot.name_en)} <span class="hint" dir="ltr">{slot.accepted_types.map((type) => type.split("/")[1].toUpperCase()).join(" / ")}</span></li>
        ))}
      </ul>
      <h3>{t("service.fields")}</h3>
      <ul class="list-bullet">
        <li>{t("service.fieldsAlways")}</li>
        {fieldSpecs(service).map((field) => <li key={field.name}>{fieldLabel(field)}</li>)}
      </ul>
      <h3>{t("service.validity")}</h3>
      <p>{t("service.validityMonths", { months: service.validity_months })}</p>
      <h3>{t("service.review")}</h3>
      <p>{t(service.review_required === false ? "service.reviewNotRequired" : "service.reviewRequired")}</p>
      <h3>{t("service.steps")}</h3>
      <ol class="list-number">
        {service.steps.map((step) => <li key={step.code}>{pick(step.name_ar, step.name_en)}</li>)}
      </ol>
      <p>{t("service.expectedDays", { days: service.expected_days })}</p>
      <h3>{t("service.districts")}</h3>
      {districts.length > 0 ? (
        <p>{list(districts.map((district) => pick(district.name_ar, district.name_en)))}</p>
      ) : (
        <p class="notice">{t("service.notLive")}</p>
      )}
      {districts.length > 0 && (
        <>
          {!person && <p class="hint">{t("service.signInFirst")}</p>}
          <a role="button" class="button button-start" href={person ? start : `/sign-in?next=${encodeURIComponent(start)}`}>
            {t("service.start")}
          </a>
        </>
      )}
    </Page>
  );
}
