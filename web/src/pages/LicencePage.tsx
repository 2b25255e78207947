import { useLocation, useRoute } from "preact-iso";
import { useState } from "preact/hooks";
import { api } from "../api/client";
import { call, type Problem } from "../api/problem";
import { ErrorSummary } from "../components/ErrorSummary";
import { Page } from "../components/Page";
import { Code, Loading, ProblemBox, StatusTag } from "../components/Status";
import { t, useLocale, pick } from "../i18n";
import { liveDistricts, loadCatalogue } from "../lib/catalogue";
import { calendarDate, cairoToday, lateNight, money, separator } from "../lib/format";
import { useSignedIn } from "../lib/guard";
import { districtName, kindLabel, licenceState, serviceName } from "../lib/labels";
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
  // The licence issued in this one's place: the holder's own after an amendment or a duplicate;
  // after a transfer it is the new holder's, which the API does not show (404), so its number is
  // given without a link that would lead nowhere.
  const successorNumber = licence.data?.replaced_by;
  const successor = useLoad(async (): Promise<{ data?: unknown; problem?: Problem }> => successorNumber
    ? call(() => api.GET("/v1/licences/{number}", { params: { path: { number: successorNumber } } }))
    : {}, [successorNumber]);
  const [pdfUrl, setPdfUrl] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  // A confirmation shown by the action that caused it: the share section or the SMS button.
  const [notice, setNotice] = useState<{ at: "share" | "sms"; text: string }>();

  async function paperCopy() {
    setBusy(true);
    const result = await call(() => api.POST("/v1/licences/{number}/paper-copy", { params: { path: { number: params.number } } }));
    setBusy(false);
    if (result.problem) return setProblem(result.problem);
    setPdfUrl(result.data.pdf_url);
  }

  async function resendSms() {
    setBusy(true);
    setNotice(undefined);
    const result = await call(() => api.POST("/v1/licences/{number}/sms", { params: { path: { number: params.number } } }));
    setBusy(false);
    if (result.problem) return setProblem(result.problem);
    setProblem(undefined);
    setNotice({ at: "sms", text: t("licence.smsQueued") });
  }

  /** The QR is a presigned URL on the file store's origin, where `download` is ignored: fetch
   * the bytes and save them from a blob URL, named after the licence. */
  async function downloadQr(event: Event) {
    event.preventDefault();
    const url = licence.data?.qr_png_url;
    if (!url) return;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(String(response.status));
      const saved = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement("a"), { href: saved, download: `${params.number}.png` });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(saved), 10_000);
    } catch {
      location.assign(url); // the picture itself: the phone can still save it
    }
  }

  async function share(url: string) {
    setNotice(undefined);
    if (navigator.share) {
      try {
        await navigator.share({ title: t("licence.shareTitle", { number: params.number }), url });
        return;
      } catch (error) {
        if ((error as DOMException).name === "AbortError") return; // the person closed the sheet
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      setNotice({ at: "share", text: t("licence.linkCopied") });
    } catch {
      (document.getElementById("verify-url") as HTMLInputElement | null)?.select();
      setNotice({ at: "share", text: t("licence.copyByHand") });
    }
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
  // A paper copy or an SMS of a revoked or replaced licence would hand out a seal that no
  // longer stands for anything.
  const sealStands = card.status !== "revoked" && !card.replaced_by;
  // A replaced licence is renewed, amended or duplicated no more: the new one is.
  const renewable = !card.replaced_by && (card.status === "active" || card.status === "expired");
  // What replaces this licence at its holder's request (a transfer is asked for by the new
  // holder): the services of its kind open online in its district.
  const replacing = card.replaced_by || card.status !== "active" ? []
    : (catalogue.data?.services ?? []).filter((service) => service.kind === card.kind
      && (service.case === "amendment" || service.case === "duplicate")
      && liveDistricts(service, catalogue.data!.districts).some((district) => district.code === card.district));
  // The API's rule (domain/lifecycle.renewal_case): after the last valid day a renewal is a new
  // first-time application carrying the fines. Shown here so nobody is surprised at the till.
  const late = card.status === "expired" || (card.status === "active" && card.valid_until < cairoToday());
  const firstTime = catalogue.data?.services.find((service) => service.kind === card.kind && service.case === "first");
  return (
    <Page title={t("licence.title", { kind: kindLabel(card.kind) })}>
      <ErrorSummary problem={problem} />
      {card.replaced_by && (
        // An amendment, transfer or duplicate was issued in its place: its seal now verifies
        // as superseded (docs/lifecycle.md), so the holder is sent to the new licence.
        <div class="notice" role="note">
          <p>{t("licence.replacedBy")}</p>
          {successor.problem?.status === 404
            ? <p>{t("licence.replacedByOther")} <Code>{card.replaced_by}</Code></p>
            : <p><a href={`/licences/${card.replaced_by}`}>{t("licence.replacedByLink")} <Code>{card.replaced_by}</Code></a></p>}
        </div>
      )}
      <div class="licence-card">
        <dl class="summary-list">
          <div class="summary-row"><dt>{t("licence.number")}</dt><dd><Code>{card.number}</Code></dd></div>
          <div class="summary-row"><dt>{t("licence.status")}</dt><dd><StatusTag status={licenceState(card)} licence /></dd></div>
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
            <figcaption><a href={card.qr_png_url} download={`${card.number}.png`} onClick={downloadQr}>{t("licence.qrDownload")}</a></figcaption>
          </figure>
        )}
      </div>
      {card.verify_url && (
        <section aria-labelledby="share-title">
          <h2 id="share-title">{t("licence.shareHeading")}</h2>
          <p class="hint">{t("licence.verifyHint")}</p>
          <p><a href={card.verify_url} rel="noopener">{t("licence.verify")}</a></p>
          <div class="field">
            <label for="verify-url">{t("licence.verifyAddress")}</label>
            <input id="verify-url" class="input" type="text" dir="ltr" readOnly value={card.verify_url}
              onFocus={(event) => (event.currentTarget as HTMLInputElement).select()} />
          </div>
          <button type="button" class="button button-secondary" onClick={() => share(card.verify_url!)}>
            {t("licence.share")}</button>
          {notice?.at === "share" && <p class="notice" role="status">{notice.text}</p>}
        </section>
      )}
      {card.fines.length > 0 && (
        <section aria-labelledby="fines-title">
          <h2 id="fines-title">{t("licence.fines")}</h2>
          <p>{t("licence.finesOutstanding", { amount: money(outstanding) })}</p>
          <table class="table"><tbody>
            {card.fines.map((fine, index) => (
              <tr key={fine.key ?? index}><th scope="row">{pick(fine.name_ar, fine.name_en)}
                {lateNight(fine.key) && <div class="hint">{t("application.fineFor", { date: calendarDate(lateNight(fine.key)!) })}</div>}</th>
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
          sealStands && <button type="button" class="button button-secondary" disabled={busy} onClick={paperCopy}>{t("licence.paperCopy")}</button>
        )}
        {card.verify_url && sealStands && (
          <div>
            <button type="button" class="button button-secondary" disabled={busy} onClick={resendSms}>{t("licence.resendSms")}</button>
            <div class="hint">{t("licence.resendSmsHint")}</div>
            {notice?.at === "sms" && <p class="notice" role="status">{notice.text}</p>}
          </div>
        )}
      </div>
      {replacing.length > 0 && (
        <section aria-labelledby="change-title">
          <h2 id="change-title">{t("licence.changeTitle")}</h2>
          <p class="hint">{t("licence.changeHint")}</p>
          <div class="actions">
            {replacing.map((service) => (
              <a key={service.code} class="button button-secondary"
                href={`/services/${service.code}/apply/district?licence=${encodeURIComponent(card.number)}`}>
                {replacing.filter((other) => other.case === service.case).length === 1
                  ? t(service.case === "amendment" ? "licence.amend" : "licence.duplicate") : serviceName(service)}
              </a>
            ))}
          </div>
        </section>
      )}
      {renewable && (
        <section aria-labelledby="renew-title">
          <h2 id="renew-title">{t("licence.renewTitle")}</h2>
          {late ? (
            <div class="notice" role="note">
              <p>{t("licence.lateRenewal", { date: calendarDate(card.valid_until) })}</p>
              {firstTime && (
                <table class="table">
                  <caption class="table-caption">{t("licence.firstTimeFees")}</caption>
                  <tbody>
                    {firstTime.fees.map((fee) => (
                      <tr key={fee.code}><th scope="row">{pick(fee.name_ar, fee.name_en)}
                        <div class="hint">{t("service.feeDue", { due: fee.due })}</div></th>
                        <td class="numeric">{typeof fee.amount_piasters === "number" ? money(fee.amount_piasters) : t("service.feeRule")}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
              {outstanding > 0 && <p>{t("licence.lateFines", { amount: money(outstanding) })}</p>}
            </div>
          ) : <p class="hint">{t("licence.renewHint")}</p>}
          <button type="button" class="button" disabled={busy} onClick={renew}>
            {late ? t("licence.renewLate") : t("licence.renew")}</button>
        </section>
      )}
    </Page>
  );
}
