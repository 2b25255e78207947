import { useLocation, useRoute } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api, type Application } from "../api/client";
import { call, type Problem } from "../api/problem";
import { ErrorSummary, type FieldError } from "../components/ErrorSummary";
import { TextField } from "../components/Fields";
import { Page } from "../components/Page";
import { Loading, ProblemBox } from "../components/Status";
import { t, useLocale } from "../i18n";
import { loadCatalogue } from "../lib/catalogue";
import { useSignedIn } from "../lib/guard";
import { useHeldState } from "../lib/held";
import { serviceTitle } from "../lib/services";
import { useLoad } from "../lib/useLoad";
import { emptyDraft, locate, toRequest, type Draft } from "./apply/draft";
import { ApplicantStep, DetailsStep } from "./apply/steps";

/** The answers of an application as the apply steps hold them (text, as typed). */
function draftOf(application: Application): Draft {
  const draft = emptyDraft();
  draft.district = application.district;
  draft.applicant = { name: application.applicant.name ?? "", national_id: application.applicant.national_id ?? "",
    mobile: application.applicant.mobile ?? "" };
  draft.site = { lat: String(application.site.lat ?? ""), lng: String(application.site.lng ?? ""),
    address: application.site.address ?? "" };
  for (const [name, value] of Object.entries(application.details)) draft.details[name] = value === null ? "" : String(value);
  return draft;
}

/** A returned application: the officer's message, the answers to correct, and resubmit. */
export default function Resubmit() {
  useLocale();
  const person = useSignedIn();
  const { params } = useRoute();
  const { route } = useLocation();
  const catalogue = useLoad(loadCatalogue, []);
  const application = useLoad(() => call(() => api.GET("/v1/applications/{application_id}",
    { params: { path: { application_id: params.id } } })), [params.id]);
  // Held if the session ends under the citizen, given back after signing in (lib/held.ts).
  const [draft, setDraft] = useHeldState<Draft | undefined>("resubmit", () => undefined, (held) => held !== undefined);
  const [note, setNote] = useHeldState("note", () => "", (typed) => typed.trim() !== "");
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);
  useEffect(() => {
    if (application.data) setDraft((held) => held ?? draftOf(application.data!));
  }, [application.data]);

  if (!person) return null;
  if (application.problem) return <ProblemBox problem={application.problem} onRetry={application.reload} />;
  if (catalogue.problem) return <ProblemBox problem={catalogue.problem} onRetry={catalogue.reload} />;
  if (!application.data || !catalogue.data || !draft) return <Loading />;
  const current = application.data;
  const service = catalogue.data.services.find((candidate) => candidate.code === current.service_code);
  if (!service) return <ProblemBox problem={{ status: 404, code: "unknown_service", message: t("error.notFoundTitle"), fields: {} }} />;

  const update = (change: (next: Draft) => void, clearing: string[] = []) => {
    const next: Draft = structuredClone(draft);
    change(next);
    clearing.forEach((path) => delete next.errors[path]);
    setDraft(next);
  };
  const errors: Record<string, string> = {};
  for (const [path, message] of Object.entries(draft.errors)) errors[locate(path)?.id ?? "submit"] = message;
  const summary: FieldError[] = Object.entries(errors).map(([target, message]) => ({ target, message }));

  async function send(event: Event) {
    event.preventDefault();
    setSending(true);
    const request = toRequest(service!, draft!);
    const result = await call(() => api.POST("/v1/applications/{application_id}/resubmit", {
      params: { path: { application_id: params.id } },
      body: { applicant: request.applicant, site: request.site, details: request.details ?? null, note: note.trim() || null } }));
    setSending(false);
    if (result.problem) {
      setProblem(Object.keys(result.problem.fields).length ? undefined : result.problem);
      return update((next) => (next.errors = result.problem.fields));
    }
    route(`/applications/${params.id}`);
  }

  const props = { service, catalogue: catalogue.data, draft, errors, update };
  const setSite = (name: keyof Draft["site"]) => (value: string) =>
    update((next) => (next.site[name] = value), [`site.${name}`, "site"]);
  return (
    <>
      <a href={`/applications/${current.id}`} class="back-link">{t("common.back")}</a>
      <Page title={t("fix.title")} caption={serviceTitle(current.service_code, catalogue.data)}>
        <ErrorSummary problem={problem} errors={summary} />
        {current.decision_reason && (
          <div class="notice" role="note" aria-labelledby="officer-message">
            <h2 id="officer-message" class="notice-title">{t("application.officerMessage")}</h2>
            <p><bdi>{current.decision_reason}</bdi></p>
          </div>
        )}
        {current.status !== "returned" ? <p>{t("fix.notReturned")}</p> : (
          <form onSubmit={send} noValidate>
            <h2>{t("apply.applicant.title")}</h2>
            <ApplicantStep {...props} />
            <h2>{t("apply.site.title")}</h2>
            <div class="field-row">
              <TextField id="site-lat" label={t("apply.site.lat")} value={draft.site.lat} onValue={setSite("lat")}
                inputMode="decimal" ltr width="short" error={errors["site-lat"]} />
              <TextField id="site-lng" label={t("apply.site.lng")} value={draft.site.lng} onValue={setSite("lng")}
                inputMode="decimal" ltr width="short" error={errors["site-lng"]} />
            </div>
            <TextField id="site-address" label={t("apply.site.address")} value={draft.site.address}
              onValue={setSite("address")} multiline error={errors["site-address"]} />
            {Object.keys(current.details).length > 0 && <h2>{t("apply.details.title")}</h2>}
            <DetailsStep {...props} />
            <TextField id="note" label={t("fix.note")} hint={t("fix.noteHint")} value={note} onValue={setNote} multiline />
            <button type="submit" id="submit" class="button" disabled={sending}>
              {sending ? t("apply.check.sending") : t("fix.submit")}</button>
          </form>
        )}
      </Page>
    </>
  );
}
