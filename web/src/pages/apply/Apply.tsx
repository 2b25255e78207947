import { useLocation, useRoute } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import type { Service } from "../../api/client";
import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { Page } from "../../components/Page";
import { Loading, ProblemBox } from "../../components/Status";
import { t, useLocale } from "../../i18n";
import { loadCatalogue, type Catalogue } from "../../lib/catalogue";
import { separator } from "../../lib/format";
import { useSignedIn } from "../../lib/guard";
import { serviceName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import NotFound from "../NotFound";
import { clearDraft, draftReplacing, emptyDraft, loadDraft, locate, REPLACED_LICENCE_FIELD, saveDraft, stepsFor, toRequest,
  type Draft, type Step } from "./draft";
import { ApplicantStep, CheckStep, DetailsStep, DistrictStep, SiteStep } from "./steps";

export interface StepProps {
  service: Service;
  catalogue: Catalogue;
  draft: Draft;
  /** Errors of this page, by input id (the page's own checks, then the API's). */
  errors: Record<string, string>;
  update: (change: (draft: Draft) => void, clearing?: string[]) => void;
}

/** Apply: one step per page (district, you, the site, details), then check and send. */
export default function Apply() {
  useLocale();
  const person = useSignedIn();
  const { params, query } = useRoute();
  const { route } = useLocation();
  const catalogue = useLoad(loadCatalogue, []);
  const [draft, setDraft] = useState<Draft>(() => loadDraft(params.code));
  const [pageErrors, setPageErrors] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);
  useEffect(() => {
    // The router keeps this component between steps: each page starts without old errors.
    setPageErrors([]);
    setProblem(undefined);
    // Arrived from an error link (…/applicant#applicant-mobile): the field, not the heading.
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.focus();
  }, [params.step]);
  // Started from a licence's own page (?licence=NUMBER: amend it, or a duplicate): the draft is
  // filled from that licence once; a reload keeps what the citizen changed since.
  const replacing = typeof query.licence === "string" ? query.licence : "";
  const prefilling = Boolean(replacing) && draft.details[REPLACED_LICENCE_FIELD] !== replacing;
  useEffect(() => {
    if (!person || !prefilling) return;
    let current = true;
    void call(() => api.GET("/v1/licences/{number}", { params: { path: { number: replacing } } })).then((found) => {
      if (!current) return;
      // Not readable (another holder's, a typo in the address): the number alone, for the API to judge.
      const next = found.data ? draftReplacing(found.data) : { ...emptyDraft(), details: { [REPLACED_LICENCE_FIELD]: replacing } };
      saveDraft(params.code, next);
      setDraft(next);
    });
    return () => {
      current = false;
    };
  }, [person?.token, replacing, prefilling]);

  if (!person) return null;
  if (catalogue.problem) return <ProblemBox problem={catalogue.problem} onRetry={catalogue.reload} />;
  if (!catalogue.data || prefilling) return <Loading />;
  const service = catalogue.data.services.find((candidate) => candidate.code === params.code);
  const steps = service ? stepsFor(service) : [];
  const step = params.step as Step;
  if (!service || !steps.includes(step)) return <NotFound />;
  const index = steps.indexOf(step);
  const go = (target: Step) => route(`/services/${service.code}/apply/${target}`);

  const update = (change: (next: Draft) => void, clearing: string[] = []) => {
    const next: Draft = structuredClone(draft);
    change(next);
    clearing.forEach((path) => delete next.errors[path]);
    saveDraft(service.code, next);
    setDraft(next);
  };

  // The API's errors for fields on this page, by input id.
  const apiErrors: Record<string, string> = {};
  for (const [path, message] of Object.entries(draft.errors)) {
    const place = locate(path);
    if (place?.step === step) apiErrors[place.id] = message;
  }
  const errors: Record<string, string> = { ...apiErrors };
  pageErrors.forEach((error) => (errors[error.target] = error.message));
  const summary: FieldError[] = step === "check"
    ? Object.entries(draft.errors).map(([path, message]) => {
        const place = locate(path);
        return { target: place ? place.id : "submit", message, href: place && `/services/${service.code}/apply/${place.step}?return=check` };
      })
    : Object.entries(errors).map(([target, message]) => ({ target, message }));

  async function next(event: Event) {
    event.preventDefault();
    const found = (await import("./checks")).checkStep(step, service!, draft);
    setPageErrors(found);
    // Sent here from "check your answers" (a change link, an error): straight back there.
    if (found.length === 0) go(query.return === "check" ? "check" : steps[index + 1]);
  }

  async function send(event: Event) {
    event.preventDefault();
    setSending(true);
    const result = await call(() => api.POST("/v1/applications", { body: toRequest(service!, draft) }));
    setSending(false);
    if (result.problem) {
      setProblem(Object.keys(result.problem.fields).length ? undefined : result.problem);
      update((next) => (next.errors = result.problem.fields));
      return;
    }
    clearDraft(service!.code);
    route(`/applications/${result.data.id}/submitted`);
  }

  const props: StepProps = { service, catalogue: catalogue.data, draft, errors, update };
  // The first step goes back where the application was started: the service, or the licence.
  const back = index > 0 ? `/services/${service.code}/apply/${steps[index - 1]}`
    : replacing ? `/licences/${encodeURIComponent(replacing)}` : `/services/${service.code}`;
  const titles: Record<Step, string> = {
    district: t("apply.district.title"), applicant: t("apply.applicant.title"), site: t("apply.site.title"),
    details: t("apply.details.title"), check: t("apply.check.title"),
  };
  return (
    <>
      <a href={back} class="back-link">{t("common.back")}</a>
      <Page title={titles[step]} caption={`${serviceName(service)}${separator()}${t("apply.stepOf", { step: index + 1, total: steps.length })}`}>
        <ErrorSummary problem={problem} errors={summary} />
        <form onSubmit={step === "check" ? send : next} noValidate>
          {step === "district" && <DistrictStep {...props} />}
          {step === "applicant" && <ApplicantStep {...props} />}
          {step === "site" && <SiteStep {...props} />}
          {step === "details" && <DetailsStep {...props} />}
          {step === "check" && <CheckStep {...props} steps={steps} />}
          <button type="submit" id="submit" class="button" disabled={sending}>
            {step === "check" ? (sending ? t("apply.check.sending") : t("apply.check.submit")) : t("common.continue")}
          </button>
        </form>
      </Page>
    </>
  );
}
