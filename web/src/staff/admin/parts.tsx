import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { District } from "../../api/client";
import type { Problem } from "../../api/problem";
import { ErrorSummary } from "../../components/ErrorSummary";
import { pick } from "../../i18n";
import { toCsv, type Cell } from "./csv";
import { addDays, cairoToday } from "./dates";
import { ta } from "./i18n";

export interface Range {
  from: string;
  to: string;
  district: string; // "" = every district
}

/** The last 30 Cairo days, every district. */
export function defaultRange(): Range {
  const today = cairoToday();
  return { from: addDays(today, -29), to: today, district: "" };
}

/** The period (Cairo calendar days) and the district a report or work list covers. The API
 * checks the range (at most 31 days, not reversed) and says which field is wrong. */
export function RangeForm(props: { value: Range; districts: District[]; problem?: Problem;
  onChange: (range: Range) => void }) {
  const [draft, setDraft] = useState(props.value);
  const fieldError = (name: string) => props.problem?.fields[name];
  const errors = (["from", "to"] as const).filter((name) => fieldError(name))
    .map((name) => ({ target: `range-${name}`, message: fieldError(name)! }));
  return (
    <form class="admin-range" onSubmit={(event) => { event.preventDefault(); props.onChange(draft); }}>
      <ErrorSummary errors={errors} />
      <fieldset>
        <legend>{ta("admin.range.legend")}</legend>
        <div class="admin-range-fields">
          {(["from", "to"] as const).map((name) => (
            <div class={`field ${fieldError(name) ? "field-error" : ""}`} key={name}>
              <label for={`range-${name}`}>{ta(`admin.range.${name}`)}</label>
              {fieldError(name) && <p id={`range-${name}-error`} class="error-message">{fieldError(name)}</p>}
              <input type="date" id={`range-${name}`} name={name} class="input" dir="ltr" value={draft[name]}
                aria-invalid={fieldError(name) ? true : undefined}
                aria-describedby={fieldError(name) ? `range-${name}-error` : undefined}
                onInput={(event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value })} />
            </div>
          ))}
          <div class="field">
            <label for="range-district">{ta("admin.range.district")}</label>
            <select id="range-district" class="input" value={draft.district}
              onChange={(event) => setDraft({ ...draft, district: (event.currentTarget as HTMLSelectElement).value })}>
              <option value="">{ta("admin.range.allDistricts")}</option>
              {props.districts.map((d) => <option key={d.code} value={d.code}>{pick(d.name_ar, d.name_en)}</option>)}
            </select>
          </div>
          <button type="submit" class="button">{ta("admin.range.show")}</button>
        </div>
      </fieldset>
    </form>
  );
}

/** A table's figures as a CSV file, made here from the same rows the page shows. */
export function CsvButton(props: { name: string; file: string; header: string[]; rows: Cell[][] }) {
  const download = () => {
    const blob = new Blob([toCsv(props.header, props.rows)], { type: "text/csv;charset=utf-8" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = props.file;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  };
  return (
    <button type="button" class="button button-secondary admin-csv" onClick={download}>
      {ta("admin.reports.csv", { table: props.name })}
    </button>
  );
}

/** A table of the console: scrolls sideways inside its own box on a phone, never the page. */
export function Table(props: { caption: string; header: ComponentChildren[]; rows: ComponentChildren[][];
  numeric?: number[]; foot?: ComponentChildren[] }) {
  const cell = (index: number) => (props.numeric?.includes(index) ? "numeric" : undefined);
  return (
    <div class="staff-table-wrap" tabIndex={0} role="region" aria-label={ta("admin.table.label", { name: props.caption })}>
      <table class="staff-table admin-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead><tr>{props.header.map((h, i) => <th scope="col" key={i} class={cell(i)}>{h}</th>)}</tr></thead>
        <tbody>
          {props.rows.map((row, r) => (
            <tr key={r}>{row.map((value, i) => (i === 0
              ? <th scope="row" key={i}>{value}</th>
              : <td key={i} class={cell(i)}>{value}</td>))}</tr>
          ))}
        </tbody>
        {props.foot && (
          <tfoot><tr class="total">{props.foot.map((value, i) => (i === 0
            ? <th scope="row" key={i}>{value}</th> : <td key={i} class={cell(i)}>{value}</td>))}</tr></tfoot>
        )}
      </table>
    </div>
  );
}

/** Loading, or why it failed. A refusal that names fields is shown on those fields by the form
 * that sent them; trying again is offered only when it may help (no answer, or the service's
 * own failure), not for a request the API refused as wrong. */
export function Loading(props: { problem?: Problem; loading: boolean; onRetry?: () => void }) {
  if (props.problem) {
    if (Object.keys(props.problem.fields).length > 0) return null;
    const transient = props.problem.status === 0 || props.problem.status >= 500;
    return (
      <>
        <ErrorSummary problem={props.problem} />
        {props.onRetry && transient && <button type="button" class="button button-secondary" onClick={props.onRetry}>{ta("admin.retry")}</button>}
      </>
    );
  }
  return props.loading ? <p class="notice notice-progress" role="status">{ta("admin.loading")}</p> : null;
}
