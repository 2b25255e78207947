import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { call, type Problem } from "../api/problem";
import { ErrorSummary } from "../components/ErrorSummary";
import { Radios, TextField } from "../components/Fields";
import { Page } from "../components/Page";
import { t, useLocale, pick, locale, type Locale } from "../i18n";
import { loadCatalogue } from "../lib/catalogue";
import { endOnThisClock, jwtClaims } from "../lib/claims";
import { tokenRequest } from "../lib/localSignIn";
import { runtimeConfig, type Pool, type RuntimeConfig } from "../lib/runtimeConfig";
import { sessionEnded, signIn, type Session } from "../lib/session";
import { useLoad } from "../lib/useLoad";

type Role = Session["role"];

/** Where to come back to after signing in: an app path only (never another site). */
function nextPath(query: Record<string, string>): string | undefined {
  return query.next && query.next.startsWith("/") && !query.next.startsWith("//") ? query.next : undefined;
}

/** Why the person is here again, when the session ended under them (lib/renewal.ts): in Arabic
 * then English whatever the chosen language, for whoever stands at the screen. */
function SessionEnded() {
  const ended = sessionEnded();
  if (!ended) return null;
  const say = (language: Locale) => (
    <div lang={language} dir={language === "ar" ? "rtl" : "ltr"}>
      <h2 class="notice-title">{t("session.endedTitle", undefined, language)}</h2>
      <p>{t("session.ended", undefined, language)}</p>
      {ended.held > 0 && <p>{t("session.endedHeld", undefined, language)}</p>}
    </div>
  );
  return <div class="notice notice-problem" role="alert">{say("ar")}{say("en")}</div>;
}

/** The deployment's way in (/config.json): Cognito's managed login in AWS, the local issuer
 * on the local stack. */
export default function SignIn() {
  useLocale();
  const [config, setConfig] = useState<RuntimeConfig>();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    runtimeConfig().then(setConfig, () => setFailed(true));
  }, []);
  if (failed) {
    return (
      <Page title={t("signIn.title")}>
        <div class="notice notice-problem" role="alert"><p>{t("signIn.configFailed")}</p></div>
      </Page>
    );
  }
  if (!config) return <Page title={t("signIn.title")}><p role="status">{t("signIn.loading")}</p></Page>;
  return config.auth.mode === "cognito" ? <CognitoSignIn config={config} /> : <LocalSignIn />;
}

/** AWS: a button per user pool; oidc-client-ts is loaded only when one is pressed. */
function CognitoSignIn({ config }: { config: RuntimeConfig }) {
  const { query } = useLocation();
  const [busy, setBusy] = useState<Pool>();
  const [failed, setFailed] = useState(false);
  async function go(pool: Pool) {
    setBusy(pool);
    setFailed(false);
    try {
      const { beginSignIn } = await import("../lib/cognito");
      await beginSignIn(config, pool, nextPath(query) ?? "", locale());
    } catch {
      setBusy(undefined);
      setFailed(true);
    }
  }
  return (
    <Page title={t("signIn.title")}>
      <SessionEnded />
      {failed && <div class="notice notice-problem" role="alert"><p>{t("signIn.redirectFailed")}</p></div>}
      <p>{t("signIn.citizenExplain")}</p>
      <p>
        <button type="button" class="button button-start" disabled={busy !== undefined} onClick={() => go("citizens")}>
          {t("signIn.withMobile")}
        </button>
      </p>
      <h2>{t("signIn.staffHeading")}</h2>
      <p>{t("signIn.staffExplain")}</p>
      <p>
        <button type="button" class="button button-secondary" disabled={busy !== undefined} onClick={() => go("staff")}>
          {t("signIn.asStaff")}
        </button>
      </p>
    </Page>
  );
}

/** Local stack only: mints a token from the local issuer (POST /v1/dev/tokens). */
function LocalSignIn() {
  const { route, query } = useLocation();
  const catalogue = useLoad(loadCatalogue, []);
  const [role, setRole] = useState<Role>("citizen");
  const [sub, setSub] = useState("");
  const [district, setDistrict] = useState("");
  const [name, setName] = useState("");
  const [problem, setProblem] = useState<Problem>();
  const next = nextPath(query);

  async function submit(event: Event) {
    event.preventDefault();
    const result = await call(() => api.POST("/v1/dev/tokens", { body: tokenRequest(role, sub, district, name) }));
    if (result.problem) return setProblem(result.problem);
    // The local issuer has no refresh token: its session ends with the token (lib/renewal.ts).
    signIn({ token: result.data.token, role, sub: result.data.sub, district: result.data.district,
      expiresAt: endOnThisClock(jwtClaims(result.data.token)) });
    // Staff land in the console (its own chunk), citizens on their applications.
    route(next ?? (role === "citizen" ? "/applications" : "/staff"));
  }

  const errors = Object.entries(problem?.fields ?? {}).map(([field, message]) => ({ target: field === "district" ? "district" : "sub", message }));
  return (
    <Page title={t("signIn.title")}>
      <SessionEnded />
      <div class="notice notice-local">
        <strong class="tag tag-local">{t("signIn.localBanner")}</strong>
        <p>{t("signIn.localExplain")}</p>
      </div>
      <ErrorSummary problem={problem} errors={errors} />
      <form onSubmit={submit} noValidate>
        <Radios name="role" legend={t("signIn.role")} value={role} onValue={(value) => setRole(value as Role)}
          options={(["citizen", "officer", "clerk", "admin"] as const).map((value) => ({ value, label: t(`signIn.role.${value}`) }))} />
        {role !== "admin" && (
          <TextField id="sub" label={t("signIn.mobile")} hint={t("signIn.mobileHint")} value={sub}
            onValue={setSub} inputMode="tel" autoComplete="tel" ltr width="short" />
        )}
        {(role === "officer" || role === "clerk") && (
          <div class="field">
            <label for="district">{t("signIn.district")}</label>
            {problem?.fields.district && <p class="error-message">{problem.fields.district}</p>}
            <select id="district" class="input" value={district}
              onChange={(event) => setDistrict((event.currentTarget as HTMLSelectElement).value)}>
              <option value="" />
              {catalogue.data?.districts.map((d) => <option key={d.code} value={d.code}>{pick(d.name_ar, d.name_en)}</option>)}
            </select>
          </div>
        )}
        {role !== "citizen" && (
          <TextField id="name" label={t("signIn.staffName")} hint={t("signIn.staffNameHint")} value={name}
            onValue={setName} autoComplete="name" />
        )}
        <button type="submit" class="button">{t("signIn.submit")}</button>
      </form>
    </Page>
  );
}
