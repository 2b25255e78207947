// The officer's forms: each sends one request, and shows the API's answer on its own fields
// (error summary at the top of the form, the message on the field, in the current language).
// What an officer typed survives the session ending under them (lib/held.ts).
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary } from "../../components/ErrorSummary";
import { Radios, TextField } from "../../components/Fields";
import { locale } from "../../i18n";
import { useHeldAnswers } from "../../lib/held";
import { cairoWallTimeToIso } from "./cairoTime";
import { to } from "./i18n";
import { formErrors } from "./parts";

type Done = () => void | Promise<void>;

/** Approve, reject (a reason the citizen reads) or return for changes (what to fix). */
export function DecisionForm(props: { applicationId: string; onDone: Done;
  /** The required documents not uploaded yet, by name: the API refuses an approval until
   * every one is in, so the approval says what is missing instead of being offered. */
  missingDocuments: string[] }) {
  const [{ decision, reason }, set, reset] = useHeldAnswers("decision", { decision: "", reason: "" });
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);
  const errors = formErrors(problem, { decision: "decision", reason: "decision-reason" });
  async function send(event: Event) {
    event.preventDefault();
    if (!decision) {
      return setProblem({ status: 400, code: "local", message: to("decision.choose"), fields: { decision: to("decision.choose") } });
    }
    setSending(true);
    const path = { params: { path: { application_id: props.applicationId } } };
    const text = reason.trim() || null;
    const result = decision === "return"
      ? await call(() => api.POST("/v1/applications/{application_id}/return", { ...path, body: { reason: text } }))
      : await call(() => api.POST("/v1/applications/{application_id}/decision",
        { ...path, body: { decision: decision as "approve" | "reject", reason: text } }));
    setSending(false);
    setProblem(result.problem);
    if (!result.problem) {
      reset();
      await props.onDone();
    }
  }
  const reasonLabel = decision === "return" ? to("decision.whatToFix")
    : decision === "reject" ? to("decision.rejectReason") : to("decision.note");
  return (
    <form onSubmit={send} noValidate aria-labelledby="decision-title">
      <h2 id="decision-title">{to("decision.title")}</h2>
      <ErrorSummary problem={problem} errors={errors.list} />
      <Radios name="decision" legend={to("decision.legend")} value={decision} onValue={set("decision")}
        error={errors.on.decision}
        options={[{ value: "approve", label: to("decision.approve"), disabled: props.missingDocuments.length > 0,
          hint: props.missingDocuments.length > 0
            ? to("decision.approveNeedsDocuments", { names: props.missingDocuments.join(locale() === "ar" ? "، " : ", ") })
            : undefined },
        { value: "reject", label: to("decision.reject") },
          { value: "return", label: to("decision.return") }]} />
      <TextField id="decision-reason" label={reasonLabel} hint={to("decision.reasonHint")} multiline
        value={reason} onValue={set("reason")} error={errors.on["decision-reason"]} />
      <button type="submit" class="button" disabled={sending}>{to("decision.send")}</button>
    </form>
  );
}

/** Book a site inspection: a time in Cairo and who goes. */
export function ScheduleForm(props: { applicationId: string; onDone: Done }) {
  const [{ when, inspector }, set, reset] = useHeldAnswers("schedule", { when: "", inspector: "" });
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);
  const errors = formErrors(problem, { scheduled_for: "inspection-when", inspector: "inspection-inspector" });
  async function send(event: Event) {
    event.preventDefault();
    const scheduled = cairoWallTimeToIso(when);
    if (!scheduled) {
      return setProblem({ status: 400, code: "local", message: to("inspection.whenMissing"),
        fields: { scheduled_for: to("inspection.whenMissing") } });
    }
    setSending(true);
    const result = await call(() => api.POST("/v1/applications/{application_id}/inspections", {
      params: { path: { application_id: props.applicationId } }, body: { scheduled_for: scheduled, inspector } }));
    setSending(false);
    setProblem(result.problem);
    if (!result.problem) {
      reset();
      await props.onDone();
    }
  }
  const whenError = errors.on["inspection-when"];
  return (
    <form onSubmit={send} noValidate aria-labelledby="schedule-title" class="subform">
      <h3 id="schedule-title">{to("inspection.schedule")}</h3>
      <ErrorSummary problem={problem} errors={errors.list} />
      <div class={`field ${whenError ? "field-error" : ""}`}>
        <label for="inspection-when">{to("inspection.when")}</label>
        <div id="inspection-when-hint" class="hint">{to("inspection.whenHint")}</div>
        {whenError && <p id="inspection-when-error" class="error-message">{whenError}</p>}
        <input type="datetime-local" id="inspection-when" name="inspection-when" class="input input-short" value={when}
          aria-describedby={`inspection-when-hint${whenError ? " inspection-when-error" : ""}`}
          aria-invalid={whenError ? true : undefined}
          onInput={(event) => set("when")((event.currentTarget as HTMLInputElement).value)} />
      </div>
      <TextField id="inspection-inspector" label={to("inspection.inspector")} value={inspector}
        onValue={set("inspector")} error={errors.on["inspection-inspector"]} />
      <button type="submit" class="button" disabled={sending}>{to("inspection.scheduleSend")}</button>
    </form>
  );
}

/** Record what the inspection found (once), with photos taken on site (JPEG or PNG). */
export function ResultForm(props: { applicationId: string; inspectionId: string; onDone: Done;
  upload: (file: File) => Promise<Problem | undefined> }) {
  const id = `result-${props.inspectionId.slice(0, 8)}`;
  // The photos cannot be held (a File is not kept in storage): chosen again after signing in.
  const [{ result, notes }, set] = useHeldAnswers(id, { result: "", notes: "" });
  const [files, setFiles] = useState<File[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);
  const errors = formErrors(problem, { result: id, notes: `${id}-notes`, content_type: `${id}-photos`, photos: `${id}-photos` });
  async function send(event: Event) {
    event.preventDefault();
    if (!result) {
      return setProblem({ status: 400, code: "local", message: to("inspection.resultChoose"), fields: { result: to("inspection.resultChoose") } });
    }
    setSending(true);
    for (const file of files) {
      const failed = await props.upload(file);
      if (failed) {
        setSending(false);
        return setProblem({ ...failed, fields: { photos: failed.fields.content_type ?? to("inspection.photoFailed", { name: file.name }) } });
      }
    }
    const answer = await call(() => api.POST("/v1/applications/{application_id}/inspections/{inspection_id}/result", {
      params: { path: { application_id: props.applicationId, inspection_id: props.inspectionId } },
      body: { result: result as "passed" | "failed", notes } }));
    setSending(false);
    setProblem(answer.problem);
    if (!answer.problem) await props.onDone();
  }
  const photoError = errors.on[`${id}-photos`];
  return (
    <form onSubmit={send} noValidate aria-labelledby={`${id}-title`} class="subform">
      <h4 id={`${id}-title`}>{to("inspection.record")}</h4>
      <ErrorSummary problem={problem} errors={errors.list} />
      <Radios name={id} legend={to("inspection.result")} value={result} onValue={set("result")} error={errors.on[id]}
        options={[{ value: "passed", label: to("inspection.passed") }, { value: "failed", label: to("inspection.failed") }]} />
      <TextField id={`${id}-notes`} label={to("inspection.notes")} multiline value={notes} onValue={set("notes")}
        error={errors.on[`${id}-notes`]} />
      <div class={`field ${photoError ? "field-error" : ""}`}>
        <label for={`${id}-photos`}>{to("inspection.photos")}</label>
        <div id={`${id}-photos-hint`} class="hint">{to("inspection.photosHint")}</div>
        {photoError && <p id={`${id}-photos-error`} class="error-message">{photoError}</p>}
        <input type="file" id={`${id}-photos`} name={`${id}-photos`} accept="image/jpeg,image/png" multiple
          aria-describedby={`${id}-photos-hint${photoError ? ` ${id}-photos-error` : ""}`}
          onChange={(event) => setFiles([...((event.currentTarget as HTMLInputElement).files ?? [])])} />
      </div>
      <button type="submit" class="button" disabled={sending}>{to("inspection.recordSend")}</button>
    </form>
  );
}

/** Suspend, revoke or reinstate a licence: the actions its status allows, with a reason. */
export function LicenceStatusForm(props: { number: string; status: string; onDone: Done }) {
  const actions = ACTIONS[props.status] ?? [];
  const [{ action, reason }, set, reset] = useHeldAnswers("licence-action", { action: "", reason: "" });
  const [problem, setProblem] = useState<Problem>();
  const [sending, setSending] = useState(false);
  const errors = formErrors(problem, { action: "licence-action", reason: "licence-reason" });
  if (actions.length === 0) return <p>{to("licence.noActions")}</p>;
  async function send(event: Event) {
    event.preventDefault();
    if (!action) {
      return setProblem({ status: 400, code: "local", message: to("licence.choose"), fields: { action: to("licence.choose") } });
    }
    setSending(true);
    const path = { params: { path: { number: props.number } }, body: { reason: reason.trim() || null } };
    const answer = await call(() => action === "suspend" ? api.POST("/v1/licences/{number}/suspend", path)
      : action === "revoke" ? api.POST("/v1/licences/{number}/revoke", path)
        : api.POST("/v1/licences/{number}/reinstate", path));
    setSending(false);
    setProblem(answer.problem);
    if (!answer.problem) {
      reset();
      await props.onDone();
    }
  }
  return (
    <form onSubmit={send} noValidate aria-labelledby="licence-action-title">
      <h2 id="licence-action-title">{to("licence.changeTitle")}</h2>
      <ErrorSummary problem={problem} errors={errors.list} />
      <Radios name="licence-action" legend={to("licence.action")} value={action} onValue={set("action")}
        error={errors.on["licence-action"]}
        options={actions.map((value) => ({ value, label: to(`licence.do.${value}` as "licence.do.suspend") }))} />
      <TextField id="licence-reason" label={to("licence.reason")} hint={to("licence.reasonHint")} multiline
        value={reason} onValue={set("reason")} error={errors.on["licence-reason"]} />
      <button type="submit" class="button" disabled={sending}>{to("licence.send")}</button>
    </form>
  );
}

// The officer's transitions of domain/licences.py (LICENCE_TRANSITIONS); the API refuses others (409).
const ACTIONS: Record<string, string[]> = {
  active: ["suspend", "revoke"],
  expired: ["suspend", "revoke"],
  suspended: ["reinstate", "revoke"],
};
