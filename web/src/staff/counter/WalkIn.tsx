import { useLocation, useRoute } from "preact-iso";
import { useState } from "preact/hooks";
import type { Service } from "../../api/client";
import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { Loading, ProblemBox } from "../../components/Status";
import { t, useLocale } from "../../i18n";
import { fieldSpecs, loadCatalogue, type Catalogue } from "../../lib/catalogue";
import { useHeldState } from "../../lib/held";
import { serviceName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import type { StepProps } from "../../pages/apply/Apply";
import { checkStep } from "../../pages/apply/checks";
import { emptyDraft, locate, toRequest, type Draft } from "../../pages/apply/draft";
import { ApplicantStep, DetailsStep, SiteStep } from "../../pages/apply/steps";
import { StaffPage } from "../StaffPage";
import { counterServices, walkInErrors } from "./counter";
import { tc } from "./i18n";
import "./counter.css";

/** /staff/counter/new/:code: the walk-in citizen's application on one page (the clerk types
 * from the papers on the desk): the citizen, the site (map or typed coordinates), the service's
 * fields, with the citizens' own inputs from the catalogue's field specs. The district is the
 * clerk's centre. Sent, it opens the application's counter page (documents, payment). */
export default function WalkIn() {
  useLocale();
  const { params } = useRoute();
  const catalogue = useLoad(loadCatalogue, []);
  const service = catalogue.data?.services.find((candidate) => candidate.code === params.code);
  return (
    <StaffPage title={service ? serviceName(service) : tc("walkIn.title")} caption={tc("walkIn.caption")} roles={["clerk"]}>
      {(person) => {
        if (catalogue.problem) return <ProblemBox problem={catalogue.problem} onRetry={catalogue.reload} />;
        if (!catalogue.data) return <Loading />;
        const offered = service && counterServices([service], catalogue.data.districts, person.district).length > 0;
        if (!service || !offered) {
          return (
            <>
              <p>{tc("walkIn.notOffered")}</p>
              <a href="/staff/counter" class="button button-secondary">{tc("walkIn.backToCounter")}</a>
            </>
          );
        }
        return <WalkInForm key={service.code} service={service} catalogue={catalogue.data} district={person.district ?? ""} />;
      }}
    </StaffPage>
  );
}

/** Whether the clerk has typed anything of the citizen's (the district is the centre's). */
function typedAny(draft: Draft): boolean {
  const typed = [...Object.values(draft.applicant), ...Object.values(draft.site), ...Object.values(draft.details)];
  return typed.some((value) => value.trim() !== "");
}

function WalkInForm(props: { service: Service; catalogue: Catalogue; district: string }) {
  const { route } = useLocation();
  // Kept in memory: the counter's computer is shared, and the next citizen starts afresh. Only
  // when the session ends under the clerk is it held, for that clerk's return (lib/held.ts).
  const [draft, setDraft] = useHeldState<Draft>("walk-in", () => ({ ...emptyDraft(), district: props.district }), typedAny);
  const [checks, setChecks] = useState<FieldError[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);

  const update = (change: (next: Draft) => void, clearing: string[] = []) => {
    const next: Draft = structuredClone(draft);
    change(next);
    clearing.forEach((path) => delete next.errors[path]);
    setDraft(next);
    // An answer given clears what this page said about its input (on one page, at once).
    const answered = new Set(clearing.map((path) => locate(path)?.id));
    setChecks((previous) => previous.filter((error) => !answered.has(error.target)));
  };
  const fromApi = walkInErrors(draft.errors);
  const errors: Record<string, string> = { ...fromApi.byInput };
  checks.forEach((error) => (errors[error.target] = error.message));
  const summary = checks.length > 0 ? checks : fromApi.summary;
  const hasDetails = fieldSpecs(props.service).length > 0;

  async function send(event: Event) {
    event.preventDefault();
    const found = (["applicant", "site", "details"] as const)
      .flatMap((step) => checkStep(step, props.service, draft));
    setChecks(found);
    setProblem(undefined);
    if (found.length > 0) return;
    setSending(true);
    const result = await call(() => api.POST("/v1/counter/applications", { body: toRequest(props.service, draft) }));
    setSending(false);
    if (result.problem) {
      setProblem(Object.keys(result.problem.fields).length ? undefined : result.problem);
      update((next) => (next.errors = result.problem.fields));
      return;
    }
    route(`/staff/counter/applications/${result.data.id}?registered=1`);
  }

  const step: StepProps = { service: props.service, catalogue: props.catalogue, draft, errors, update };
  return (
    <>
      <ErrorSummary problem={problem} errors={summary} />
      <form onSubmit={send} noValidate class="walk-in">
        <section aria-labelledby="citizen-title" class="walk-in-part">
          <h2 id="citizen-title">{tc("walkIn.citizen")}</h2>
          <ApplicantStep {...step} />
        </section>
        <section aria-labelledby="site-title" class="walk-in-part">
          <h2 id="site-title">{tc("walkIn.site")}</h2>
          <SiteStep {...step} locateMe={false} />
        </section>
        {hasDetails && (
          <section aria-labelledby="details-title" class="walk-in-part">
            <h2 id="details-title">{t("apply.details.title")}</h2>
            <DetailsStep {...step} />
          </section>
        )}
        <div class="counter-actions">
          <button type="submit" id="walk-in-submit" class="button" disabled={sending}>
            {sending ? tc("walkIn.sending") : tc("walkIn.submit")}
          </button>
          <a href="/staff/counter" class="button button-secondary">{tc("walkIn.cancel")}</a>
        </div>
      </form>
    </>
  );
}
