import { useLocation } from "preact-iso";
import { useState } from "preact/hooks";
import type { Service } from "../../api/client";
import { ErrorSummary } from "../../components/ErrorSummary";
import { TextField } from "../../components/Fields";
import { Loading, ProblemBox } from "../../components/Status";
import { loadCatalogue } from "../../lib/catalogue";
import { searchable } from "../../lib/format";
import { serviceName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import { t, useLocale } from "../../i18n";
import { StaffPage } from "../StaffPage";
import { counterServices, lookup } from "./counter";
import { tc } from "./i18n";
import "./counter.css";

/** /staff/counter: find an application or a licence by its number (a short box on top: a
 * citizen back for a payment or a paper copy), or start a walk-in citizen's application (one
 * click on the service, the list narrowed by name). */
export default function CounterDesk() {
  useLocale();
  return (
    <StaffPage title={tc("counter.title")} roles={["clerk"]}>
      {(person) => <Desk district={person.district ?? ""} />}
    </StaffPage>
  );
}

function Desk(props: { district: string }) {
  const catalogue = useLoad(loadCatalogue, []);
  return (
    <>
      <FindByNumber />
      <section aria-labelledby="walk-in-title">
        <h2 id="walk-in-title">{tc("counter.walkIn.title")}</h2>
        <p class="hint">{tc("counter.walkIn.hint")}</p>
        {catalogue.problem && <ProblemBox problem={catalogue.problem} onRetry={catalogue.reload} />}
        {!catalogue.data && !catalogue.problem && <Loading />}
        {catalogue.data && (
          <ServiceList services={counterServices(catalogue.data.services, catalogue.data.districts, props.district)} />
        )}
      </section>
    </>
  );
}

/** The centre's services as one-click links, narrowed as the clerk types part of a name
 * (diacritics and letter variants ignored, as in the citizens' directory). */
function ServiceList(props: { services: Service[] }) {
  const [filter, setFilter] = useState("");
  const wanted = searchable(filter);
  const shown = props.services.filter((service) => !wanted
    || searchable(`${service.name_ar} ${service.name_en}`).includes(wanted));
  return (
    <>
      <TextField id="service-filter" label={tc("counter.walkIn.filter")} value={filter} onValue={setFilter} />
      <p class="hint" role="status">{t("directory.count", { count: shown.length })}</p>
      <ul class="counter-services">
        {shown.map((service) => (
          <li key={service.code}>
            <a href={`/staff/counter/new/${service.code}`}>{serviceName(service)}</a>
          </li>
        ))}
      </ul>
    </>
  );
}

function FindByNumber() {
  const { route } = useLocation();
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<string>();

  function find(event: Event) {
    event.preventDefault();
    const found = lookup(typed);
    if (found.kind === "unknown") return setError(tc("counter.find.error"));
    setError(undefined);
    route(found.kind === "licence" ? `/staff/counter/licences/${found.number}` : `/staff/counter/applications/${found.id}`);
  }

  return (
    <section aria-labelledby="find-title">
      <h2 id="find-title">{tc("counter.find.title")}</h2>
      <ErrorSummary errors={error ? [{ target: "find", message: error }] : []} />
      <form class="counter-find" onSubmit={find} noValidate>
        <TextField id="find" label={tc("counter.find.label")} hint={tc("counter.find.hint")} value={typed}
          onValue={setTyped} ltr error={error} />
        <button type="submit" class="button button-secondary">{tc("counter.find.submit")}</button>
      </form>
    </section>
  );
}
