import { t } from "../i18n";

interface TextFieldProps {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  onValue: (value: string) => void;
  inputMode?: "text" | "numeric" | "decimal" | "tel";
  autoComplete?: string;
  /** Numbers, codes and IDs read left to right in either language. */
  ltr?: boolean;
  multiline?: boolean;
  width?: "short" | "full";
}

/** A labelled text input with its hint and its error message, wired for screen readers. */
export function TextField(props: TextFieldProps) {
  const described = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`]
    .filter(Boolean).join(" ") || undefined;
  const common = {
    id: props.id,
    name: props.id,
    value: props.value,
    "aria-describedby": described,
    "aria-invalid": props.error ? true : undefined,
    dir: props.ltr ? ("ltr" as const) : undefined,
    class: `input ${props.width === "short" ? "input-short" : ""} ${props.error ? "input-error" : ""}`,
    onInput: (event: Event) => props.onValue((event.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field ${props.error ? "field-error" : ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.hint && <div id={`${props.id}-hint`} class="hint">{props.hint}</div>}
      {props.error && <p id={`${props.id}-error`} class="error-message">{props.error}</p>}
      {props.multiline ? (
        <textarea rows={3} {...common} />
      ) : (
        <input type="text" spellcheck={false} inputMode={props.inputMode}
          autoComplete={props.autoComplete} {...common} />
      )}
    </div>
  );
}

interface RadiosProps {
  name: string;
  legend: string;
  /** The legend is the page's question (one question per page): shown as the heading. */
  isPageHeading?: boolean;
  hint?: string;
  error?: string;
  /** `hint`: said under the option and read with it; `disabled`: shown but not choosable (the
   * hint says why). */
  options: { value: string; label: string; hint?: string; disabled?: boolean }[];
  value: string;
  onValue: (value: string) => void;
}

export function Radios(props: RadiosProps) {
  return (
    <div class={`field ${props.error ? "field-error" : ""}`}>
      <fieldset aria-describedby={props.error ? `${props.name}-error` : undefined}>
        <legend class={props.isPageHeading ? "legend-heading" : undefined}>{props.legend}</legend>
        {props.hint && <div class="hint">{props.hint}</div>}
        {props.error && <p id={`${props.name}-error`} class="error-message">{props.error}</p>}
        <div class="radios">
          {props.options.map((option, index) => {
            const id = index === 0 ? props.name : `${props.name}-${option.value}`;
            return (
              <div class="radio" key={option.value}>
                <input type="radio" id={id} name={props.name} value={option.value}
                  checked={props.value === option.value} disabled={option.disabled}
                  aria-describedby={option.hint ? `${id}-hint` : undefined}
                  onChange={() => props.onValue(option.value)} />
                <label for={id}>{option.label}</label>
                {option.hint && <div id={`${id}-hint`} class="hint radio-hint">{option.hint}</div>}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export const yesNo = () => [
  { value: "true", label: t("common.yes") },
  { value: "false", label: t("common.no") },
];
