import { useLocation, useRoute } from "preact-iso";
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { call, type Problem } from "../api/problem";
import { ErrorSummary } from "../components/ErrorSummary";
import { Page } from "../components/Page";
import { Code, Loading, ProblemBox, StatusTag } from "../components/Status";
import { t, useLocale, pick } from "../i18n";
import { loadCatalogue } from "../lib/catalogue";
import { calendarDate, money, separator } from "../lib/format";
import { useSignedIn } from "../lib/guard";
import { districtName, kindLabel } from "../lib/labels";
import { useLoad } from "../lib/useLoad";

/** The licence card: status, validity, the QR and the link anyone can verify, paper copy, renew. */
export default function LicencePage() {
  useLocale();
  const person = useSignedIn();
  const { params } = useRoute();
  const { route } = useLocation();
  const catalogue = useLoad(loadCatalogue, []);
  const licence = useLoad(() => call(() => api.GET("/v1/licences/{number}", { params: { path: { number: params.number } } })),
    [params.number]);
  const [pdfUrl, setPdfUrl] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  async function paperCopy() {
    setBusy(true);
    const result = await call(() => api.POST("/v1/licences/{number}/paper-copy", { params: { path: { number: params.number } } }));
    setBusy(false);
    if (result.problem) return setProblem(result.problem);
    setPdfUrl(result.data.pdf_url);
  }

  async function renew() {
    setBusy(true);
    const result = await call(() => api.POST("/v1/licences/{number}/renewals", { params: { path: { number: params.number } } }));
    setBusy(false);
    if (result.problem) return setProblem(result.problem);
    route(`/applications/${result.data.id}`);
  }

  if (!person) return null;
  if (licence.problem) return <ProblemBox problem={licence.problem} onRetry={licence.reload} />;
  if (!licence.data) return <Loading />;
  const card = licence.data;
  const outstanding = card.outstanding_fines_piasters ?? 0;
  return (
    <Page title={t("licence.title", { kind: kindLabel(card.kind) })}>
      <ErrorSummary problem={problem} />
      <div class="licence-card">
        <dl class="summary-list">
          <div class="summary-row"><dt>{t("licence.number")}</dt><dd><Code>{card.number}</Code></dd></div>
          <div class="summary-row"><dt>{t("licence.status")}</dt><dd><StatusTag status={card.status} licence /></dd></div>
          <div class="summary-row"><dt>{t("licence.validity")}</dt>
            <dd>{t("licence.validityRange", { from: calendarDate(card.valid_from), until: calendarDate(card.valid_until) })}</dd></div>
          <div class="summary-row"><dt>{t("licence.holder")}</dt><dd><bdi>{card.holder?.name}</bdi></dd></div>
          <div class="summary-row"><dt>{t("licence.site")}</dt>
            <dd><bdi>{card.site?.address}</bdi>{separator()}{districtName(card.district, catalogue.data?.districts ?? [])}
              {card.site?.lat !== undefined && <div><Code>{`${card.site.lat}, ${card.site.lng}`}</Code></div>}</dd></div>
        </dl>
        {card.qr_png_url && (
          <figure class="qr">
            <img src={card.qr_png_url} width={220} height={220} alt={t("licence.qrAlt", { number: card.number })} />
            <figcaption><a href={card.qr_png_url} download={`${card.number}.png`}>{t("licence.qrDownload")}</a></figcaption>
          </figure>
        )}
      </div>
      {card.verify_url && (
        <p>
          <a href={card.verify_url} rel="noopener">{t("licence.verify")}</a>
          <div class="hint">{t("licence.verifyHint")}</div>
        </p>
      )}
      {card.fines.length > 0 && (
        <section aria-labelledby="fines-title">
          <h2 id="fines-title">{t("licence.fines")}</h2>
          <p>{t("licence.finesOutstanding", { amount: money(outstanding) })}</p>
          <table class="table"><tbody>
            {card.fines.map((fine, index) => (
              <tr key={fine.key ?? index}><th scope="row">{pick(fine.name_ar, fine.name_en)}</th>
                <td class="numeric">{money(fine.amount_piasters ?? 0)}</td></tr>
            ))}
          </tbody></table>
        </section>
      )}
      <div class="actions">
        {pdfUrl ? (
          <p><a href={pdfUrl} class="button button-secondary">{t("licence.paperCopyReady")}</a>
            <span class="hint"> {t("licence.paperCopyHint")}</span></p>
        ) : (
          card.status !== "revoked" && <button type="button" class="button button-secondary" disabled={busy} onClick={paperCopy}>{t("licence.paperCopy")}</button>
        )}
        {(card.status === "active" || card.status === "expired") && (
          <div>
            <button type="button" class="button" disabled={busy} onClick={renew}>{t("licence.renew")}</button>
            <div class="hint">{t("licence.renewHint")}</div>
          </div>
        )}
      </div>
    </Page>
  );
}
