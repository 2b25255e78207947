// Pieces the officer's pages share: the SLA label, field errors of a form, the audit trail.
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Problem } from "../../api/problem";
import type { FieldError } from "../../components/ErrorSummary";
import { locale } from "../../i18n";
import { dateTime, separator } from "../../lib/format";
import { codeLabel, to } from "./i18n";
import type { Sla } from "./sla";
import type { AuditPage, AuditRecord } from "./types";

/** On time / due soon / late: in words first (a colour alone tells nothing to many), and a
 * colour and mark that repeat the words. */
export function SlaTag(props: { sla?: Sla }) {
  const { sla } = props;
  if (!sla) return <span class="sla sla-none">{to("sla.none")}</span>;
  const text = sla.state === "late"
    ? to("sla.late", { days: -sla.remaining })
    : sla.state === "due_soon" ? to("sla.dueSoon", { days: sla.remaining }) : to("sla.onTime", { days: sla.remaining });
  return (
    <span class={`sla sla-${sla.state}`}>
      <span class="sla-mark" aria-hidden="true" />
      <span>{text}</span>
    </span>
  );
}

export interface FormErrors {
  list: FieldError[];
  on: Record<string, string>;
}

/** The API's `fields` of one form's answer, put on that form's inputs (`ids`: API field ->
 * input id). A field the form has no input for goes on the first input, with its name. */
export function formErrors(problem: Problem | undefined, ids: Record<string, string>): FormErrors {
  const on: Record<string, string> = {};
  const list: FieldError[] = [];
  const first = Object.values(ids)[0];
  for (const [field, message] of Object.entries(problem?.fields ?? {})) {
    const target = ids[field] ?? first;
    const text = ids[field] ? message : `${field}: ${message}`;
    on[target] = on[target] ? `${on[target]}${separator()}${text}` : text;
    list.push({ target, message: text });
  }
  return { list, on };
}

function AuditEntry(props: { record: AuditRecord; statusPrefix: string }) {
  const r = props.record;
  const current = locale();
  const status = (code: string) => codeLabel(props.statusPrefix, code, current);
  const who = r.actor_name || r.actor || "";
  const change = r.from_status && r.to_status && r.from_status !== r.to_status
    ? to("audit.change", { from: status(r.from_status), to: status(r.to_status) })
    : undefined;
  return (
    <tr>
      <td class="audit-at">{dateTime(r.at)}</td>
      <td>{codeLabel("audit.action", r.action, current)}{change && <div class="hint">{change}</div>}</td>
      <td>{codeLabel("role", r.role, current)}{who && <div class="hint"><bdi dir="ltr">{who}</bdi></div>}</td>
      <td>{r.reason || ""}
        {r.data && Object.keys(r.data).length > 0 && (
          <div class="hint audit-data">{Object.entries(r.data).map(([key, value]) =>
            `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`).join(separator())}</div>
        )}
      </td>
    </tr>
  );
}

/** An append-only audit trail, oldest first, a page at a time with the API's cursor. `version`
 * changes after each action of the page, and the trail is read again from the start. */
export function AuditTrail(props: { id: string; version: number; statusPrefix: "status" | "licence.status";
  load: (cursor?: string) => Promise<{ data?: AuditPage; problem?: Problem }> }) {
  const [pages, setPages] = useState<AuditPage[]>([]);
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    void props.load().then((result) => {
      setProblem(result.problem);
      setPages(result.data ? [result.data] : []);
    });
  }, [props.version]);
  const records = pages.flatMap((page) => page.records);
  const next = pages.length ? pages[pages.length - 1].next_cursor : undefined;
  const more = async () => {
    const result = await props.load(next ?? undefined);
    if (result.problem) setProblem(result.problem);
    else setPages([...pages, result.data!]);
  };
  return (
    <section aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{to("audit.title")}</h2>
      {records.length === 0 ? <p>{to("audit.empty")}</p> : (
        <TableBox name={to("audit.title")}>
          <table class="staff-table">
            <thead><tr><th scope="col">{to("audit.at")}</th><th scope="col">{to("audit.action")}</th>
              <th scope="col">{to("audit.by")}</th><th scope="col">{to("audit.reason")}</th></tr></thead>
            <tbody>{records.map((record, index) => <AuditEntry key={`${record.at}-${index}`} record={record} statusPrefix={props.statusPrefix} />)}</tbody>
          </table>
        </TableBox>
      )}
      {problem && <p class="error-message" role="alert">{problem.message}</p>}
      {next && <button type="button" class="button button-secondary" onClick={more}>{to("audit.more")}</button>}
    </section>
  );
}

/** A labelled drop-down (filters of the queue). */
export function Select(props: { id: string; label: string; value: string; onValue: (value: string) => void;
  options: { value: string; label: string }[] }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.id} class="input" value={props.value}
        onChange={(event) => props.onValue((event.currentTarget as HTMLSelectElement).value)}>
        {props.options.map((option) => <option key={option.value} value={option.value}>{option.label}</option>)}
      </select>
    </div>
  );
}

/** A table that scrolls sideways inside its own box on a narrow screen (never the page): the
 * box takes the keyboard focus so it can be scrolled without a mouse, and is named. */
export function TableBox(props: { name: string; children: ComponentChildren }) {
  return (
    <div class="staff-table-wrap officer-table-box" tabIndex={0} role="region" aria-label={to("table.region", { name: props.name })}>
      {props.children}
    </div>
  );
}
