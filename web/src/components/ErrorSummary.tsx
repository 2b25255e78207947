import { useEffect, useRef } from "preact/hooks";
import type { Problem } from "../api/problem";
import { t } from "../i18n";

export interface FieldError {
  /** The id of the input (or of the first radio) to jump to. */
  target: string;
  message: string;
  /** The page that asks for the field, when it is not this one. */
  href?: string;
}

/** GOV.UK's error summary: at the top, focused on arrival, each message linking to its field. */
export function ErrorSummary(props: { problem?: Problem; errors?: FieldError[] }) {
  const box = useRef<HTMLDivElement>(null);
  const errors = props.errors ?? [];
  const general = props.problem && errors.length === 0 ? props.problem.message : undefined;
  const shown = errors.length > 0 || general !== undefined;
  useEffect(() => {
    if (shown) box.current?.focus();
  }, [shown, props.problem, errors.length]);
  if (!shown) return null;
  return (
    <div class="error-summary" ref={box} tabIndex={-1} role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("error.summaryTitle")}</h2>
      {general && <p>{general}</p>}
      {errors.length > 0 && (
        <ul>
          {errors.map((error) => (
            <li key={error.target}>
              <a href={`${error.href ?? ""}#${error.target}`}
                onClick={error.href ? undefined : (event) => focusField(event, error.target)}>
                {error.message}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function focusField(event: MouseEvent, id: string) {
  const field = document.getElementById(id);
  if (!field) return; // on another page: let the link navigate
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: "center" });
}
