import type { Problem } from "../api/problem";
import { t, type MessageKey } from "../i18n";

export function StatusTag(props: { status: string; licence?: boolean }) {
  const key = (props.licence ? `licence.status.${props.status}` : `status.${props.status}`) as MessageKey;
  return <strong class={`tag tag-${props.status}`}>{t(key) ?? props.status}</strong>;
}

export function Loading() {
  return <p class="loading" role="status">{t("common.loading")}</p>;
}

/** A page-level problem (not a form's): what went wrong and a way on. */
export function ProblemBox(props: { problem: Problem; onRetry?: () => void }) {
  return (
    <div class="notice notice-problem" role="alert">
      <p>{props.problem.message}</p>
      {props.onRetry && (
        <button type="button" class="button button-secondary" onClick={props.onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

/** Codes, numbers and references: isolated, so that they keep their order inside Arabic text. */
export function Code(props: { children: string }) {
  return <bdi dir="ltr" class="code">{props.children}</bdi>;
}
