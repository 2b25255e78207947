import { ErrorBoundary, LocationProvider, Route, Router, lazy, useLocation } from "preact-iso";
import { t, setLocale, useLocale } from "./i18n";
import { signOut, useSession, type Session } from "./lib/session";

// How long sign-out waits for Cognito to revoke the refresh token before leaving anyway.
const REVOKE_WAIT_MS = 3000;

/** Ends the app's session; a Cognito session's refresh token is revoked first (it is read from
 * the tab, which sign-out empties), then managed login's session ends too, coming back to the
 * directory (else the next sign-in would pass straight through). */
async function signOutEverywhere(person: Session, home: () => void): Promise<void> {
  const pool = person.pool;
  if (!pool) {
    signOut();
    return home();
  }
  let url: string | null = null;
  try {
    const { runtimeConfig, logoutUrl } = await import("./lib/runtimeConfig");
    const config = await runtimeConfig();
    url = logoutUrl(config, pool, location.origin);
    const revoked = import("./lib/cognito").then(({ revokeSession }) => revokeSession(config, pool));
    await Promise.race([revoked, new Promise((resolve) => setTimeout(resolve, REVOKE_WAIT_MS))]);
  } catch {
    // Cognito unreachable or refusing: the app's session is over all the same, and the refresh
    // token, gone from the tab, lapses at the app client's validity
  }
  signOut();
  if (url) return location.assign(url);
  home();
}

// Every page is its own chunk: a citizen's first load is the shell plus one page. The staff
// console (/staff/...) and the inspector (/inspect) are lazy routes too: never in the shell.
const Directory = lazy(() => import("./pages/Directory"));
const ServicePage = lazy(() => import("./pages/ServicePage"));
const SignIn = lazy(() => import("./pages/SignIn"));
const AuthCallback = lazy(() => import("./pages/AuthCallback"));
const Apply = lazy(() => import("./pages/apply/Apply"));
const Confirmation = lazy(() => import("./pages/Confirmation"));
const Applications = lazy(() => import("./pages/Applications"));
const ApplicationPage = lazy(() => import("./pages/ApplicationPage"));
const Resubmit = lazy(() => import("./pages/Resubmit"));
const PaymentReturn = lazy(() => import("./pages/PaymentReturn"));
const Licences = lazy(() => import("./pages/Licences"));
const LicencePage = lazy(() => import("./pages/LicencePage"));
const NotFound = lazy(() => import("./pages/NotFound"));
// The staff console (issue 16): one chunk per page under src/staff/, with its own catalogues.
const StaffHome = lazy(() => import("./staff/StaffHome"));
const OfficerQueue = lazy(() => import("./staff/officer/Queue"));
const OfficerApplication = lazy(() => import("./staff/officer/ApplicationReview"));
const OfficerLicences = lazy(() => import("./staff/officer/Licences"));
const OfficerLicence = lazy(() => import("./staff/officer/LicenceReview"));
const AdminRollout = lazy(() => import("./staff/admin/Rollout"));
const AdminReports = lazy(() => import("./staff/admin/Reports"));
const AdminFinance = lazy(() => import("./staff/admin/Finance"));
// The clerk's counter (src/staff/counter/): walk-in applications, payments, receipts, the drawer.
const CounterDesk = lazy(() => import("./staff/counter/CounterDesk"));
const WalkIn = lazy(() => import("./staff/counter/WalkIn"));
const CounterApplication = lazy(() => import("./staff/counter/CounterApplication"));
const CounterLicence = lazy(() => import("./staff/counter/CounterLicence"));
const Drawer = lazy(() => import("./staff/counter/Drawer"));
const StaffViolations = lazy(() => import("./staff/violations/Violations"));
// The inspector's app (issue 17): its own chunk, catalogue and CSS; installable under /inspect.
const Inspector = lazy(() => import("./inspect/Inspector"));

// Links the app routes itself: its own pages. The API's pages (the verification page, the
// sandbox checkout) and absolute URLs are left to the browser.
const APP_SCOPE = /^\/(?!v\/|V\/|s\/|v1\/|sandbox\/|openapi\.json)/;

function Header() {
  const current = useLocale();
  const person = useSession();
  const { route } = useLocation();
  const other = current === "ar" ? "en" : "ar";
  return (
    <header class="header">
      <div class="header-inner">
        <a href="/" class="brand">
          <span class="brand-name">{t("app.name")}</span>
          <span class="brand-tagline">{t("app.tagline")}</span>
        </a>
        <button type="button" class="lang-toggle" lang={other} aria-label={t("app.switchLanguageLabel")}
          onClick={() => setLocale(other)}>
          {t("app.switchLanguage")}
        </button>
      </div>
      <nav class="nav" aria-label={t("nav.label")}>
        <ul>
          <li><a href="/">{t("nav.services")}</a></li>
          {person?.role === "citizen" && <li><a href="/applications">{t("nav.applications")}</a></li>}
          {person?.role === "citizen" && <li><a href="/licences">{t("nav.licences")}</a></li>}
          {person && person.role !== "citizen" && <li><a href="/staff">{t("nav.staff")}</a></li>}
          {person ? (
            <li>
              <button type="button" class="link-button" onClick={() => void signOutEverywhere(person, () => route("/"))}>
                {t("nav.signOut")}
              </button>
            </li>
          ) : (
            <li><a href="/sign-in">{t("nav.signIn")}</a></li>
          )}
        </ul>
      </nav>
    </header>
  );
}

export function App() {
  useLocale();
  return (
    <LocationProvider scope={APP_SCOPE}>
      <a href="#main" class="skip-link">{t("app.skip")}</a>
      <Header />
      <main id="main" class="main">
        <ErrorBoundary>
          <Router>
            <Route path="/" component={Directory} />
            <Route path="/services/:code" component={ServicePage} />
            <Route path="/services/:code/apply/:step" component={Apply} />
            <Route path="/sign-in" component={SignIn} />
            <Route path="/auth/callback" component={AuthCallback} />
            <Route path="/applications" component={Applications} />
            <Route path="/applications/:id" component={ApplicationPage} />
            <Route path="/applications/:id/submitted" component={Confirmation} />
            <Route path="/applications/:id/fix" component={Resubmit} />
            <Route path="/payments/return" component={PaymentReturn} />
            <Route path="/licences" component={Licences} />
            <Route path="/licences/:number" component={LicencePage} />
            <Route path="/inspect" component={Inspector} />
            <Route path="/staff" component={StaffHome} />
            <Route path="/staff/queue" component={OfficerQueue} />
            <Route path="/staff/applications/:id" component={OfficerApplication} />
            <Route path="/staff/licences" component={OfficerLicences} />
            <Route path="/staff/licences/:number" component={OfficerLicence} />
            <Route path="/staff/admin/rollout" component={AdminRollout} />
            <Route path="/staff/admin/reports" component={AdminReports} />
            <Route path="/staff/admin/finance" component={AdminFinance} />
            <Route path="/staff/counter" component={CounterDesk} />
            <Route path="/staff/counter/new/:code" component={WalkIn} />
            <Route path="/staff/counter/applications/:id" component={CounterApplication} />
            <Route path="/staff/counter/licences/:number" component={CounterLicence} />
            <Route path="/staff/counter/drawer" component={Drawer} />
            <Route path="/staff/violations" component={StaffViolations} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
    </LocationProvider>
  );
}
