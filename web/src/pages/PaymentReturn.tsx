import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { call, type Problem } from "../api/problem";
import { Page } from "../components/Page";
import { Loading, ProblemBox } from "../components/Status";
import { t, useLocale } from "../i18n";
import { useSignedIn } from "../lib/guard";

/** Where a gateway sends the browser back (Paymob's redirection URL carries
 * `merchant_order_id`): find the payment's application and go there to watch it move on. */
export default function PaymentReturn() {
  useLocale();
  const person = useSignedIn();
  const { query, route } = useLocation();
  const [problem, setProblem] = useState<Problem>();
  const reference = query.merchant_order_id ?? query.payment ?? "";
  useEffect(() => {
    if (!person || !reference) return;
    void call(() => api.GET("/v1/payments/{payment_id}", { params: { path: { payment_id: reference } } }))
      .then((result) => {
        if (result.problem || !result.data.application_id) return setProblem(result.problem);
        route(`/applications/${result.data.application_id}?payment=${encodeURIComponent(reference)}`, true);
      });
  }, [person, reference]);
  if (!person) return null;
  return (
    <Page title={t("payment.returnTitle")}>
      {problem ? <ProblemBox problem={problem} /> : <Loading />}
    </Page>
  );
}
