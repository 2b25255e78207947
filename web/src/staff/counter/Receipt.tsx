import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { tc } from "./i18n";

type Paper = "a4" | "thermal";

/** A counter payment's numbered receipt: the PDF (A4, or 80 mm for the receipt printer) is
 * rendered by the API and opened from its short-lived link, to print. `immediately` fetches the
 * A4 link at once (right after the payment: the citizen is waiting for it). */
export function Receipt(props: { paymentId: string; number: string; immediately?: boolean }) {
  const [links, setLinks] = useState<Partial<Record<Paper, string>>>({});
  const [busy, setBusy] = useState<Paper>();
  const [problem, setProblem] = useState<Problem>();

  async function fetchLink(paper: Paper) {
    setBusy(paper);
    const result = await call(() => api.GET("/v1/payments/{payment_id}/receipt",
      { params: { path: { payment_id: props.paymentId }, query: { format: paper } } }));
    setBusy(undefined);
    if (result.problem) return setProblem(result.problem);
    setProblem(undefined);
    setLinks((previous) => ({ ...previous, [paper]: result.data.url }));
  }
  useEffect(() => {
    if (props.immediately) void fetchLink("a4");
  }, [props.paymentId]);

  return (
    <div class="receipt-links">
      {(["a4", "thermal"] as const).map((paper) => links[paper] ? (
        <a key={paper} class="button" href={links[paper]} target="_blank" rel="noopener">
          {tc(paper === "a4" ? "receipt.openA4" : "receipt.openThermal", { number: props.number })}
        </a>
      ) : (
        <button key={paper} type="button" class="button button-secondary" disabled={busy === paper}
          aria-label={tc(paper === "a4" ? "receipt.makeA4Label" : "receipt.makeThermalLabel", { number: props.number })}
          onClick={() => void fetchLink(paper)}>
          {busy === paper ? tc("receipt.making") : tc(paper === "a4" ? "receipt.makeA4" : "receipt.makeThermal")}
        </button>
      ))}
      {problem && <p class="error-message" role="alert">{problem.message}</p>}
    </div>
  );
}
