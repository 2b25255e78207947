import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { Page } from "../components/Page";
import { t, useLocale } from "../i18n";
import { runtimeConfig } from "../lib/runtimeConfig";

/** Where Cognito's managed login sends the browser back with the code: exchanged for tokens
 * (PKCE), the ID token becomes the session, then on to the page the person was going to. */
export default function AuthCallback() {
  useLocale();
  const { route } = useLocation();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    (async () => {
      const [config, { completeSignIn }] = await Promise.all([runtimeConfig(), import("../lib/cognito")]);
      const { next } = await completeSignIn(config, location.href);
      route(next, true);
    })().catch(() => setFailed(true));
  }, []);
  return (
    <Page title={t("signIn.callbackTitle")}>
      {failed ? (
        <div class="notice notice-problem" role="alert">
          <p>{t("signIn.callbackFailed")}</p>
          <p><a href="/sign-in">{t("signIn.tryAgain")}</a></p>
        </div>
      ) : (
        <p role="status">{t("signIn.completing")}</p>
      )}
    </Page>
  );
}
