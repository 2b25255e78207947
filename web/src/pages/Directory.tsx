import { useMemo, useState } from "preact/hooks";
import { TextField } from "../components/Fields";
import { Page } from "../components/Page";
import { Loading, ProblemBox } from "../components/Status";
import { t, useLocale } from "../i18n";
import { loadCatalogue, liveDistricts } from "../lib/catalogue";
import { list, money, searchable } from "../lib/format";
import { caseLabel, kindLabel, serviceName } from "../lib/labels";
import { useLoad } from "../lib/useLoad";
import { pick } from "../i18n";

/** The directory of services: public, before sign-in. */
export default function Directory() {
  useLocale();
  const catalogue = useLoad(loadCatalogue, []);
  const [query, setQuery] = useState("");
  const [kind, setKind] = useState("");
  const services = catalogue.data?.services ?? [];
  const kinds = useMemo(() => [...new Set(services.map((service) => service.kind))], [services]);
  const folded = searchable(query);
  const shown = services.filter((service) =>
    (!kind || service.kind === kind) &&
    (!folded || [service.name_ar, service.name_en, kindLabel(service.kind)]
      .some((text) => searchable(text).includes(folded))));
  return (
    <Page title={t("directory.title")}>
      <p class="lead">{t("directory.lead")}</p>
      {catalogue.problem && <ProblemBox problem={catalogue.problem} onRetry={catalogue.reload} />}
      {catalogue.loading && !catalogue.data && <Loading />}
      {catalogue.data && (
        <>
          <div class="filters" role="search">
            <TextField id="search" label={t("directory.search")} hint={t("directory.searchHint")}
              value={query} onValue={setQuery} />
            <div class="field">
              <label for="kind">{t("directory.kind")}</label>
              <select id="kind" class="input" value={kind}
                onChange={(event) => setKind((event.currentTarget as HTMLSelectElement).value)}>
                <option value="">{t("directory.allKinds")}</option>
                {kinds.map((code) => <option key={code} value={code}>{kindLabel(code)}</option>)}
              </select>
            </div>
          </div>
          <p role="status" class="count">{t("directory.count", { count: shown.length })}</p>
          {shown.length === 0 && <p>{t("directory.none")}</p>}
          <ul class="cards">
            {shown.map((service) => {
              const live = liveDistricts(service, catalogue.data!.districts).length;
              const fixed = service.fees.filter((fee) => fee.due === "submission" && typeof fee.amount_piasters === "number")
                .reduce((sum, fee) => sum + (fee.amount_piasters ?? 0), 0);
              return (
                <li key={service.code} class="card">
                  <h2 class="card-title"><a href={`/services/${service.code}`}>{serviceName(service)}</a></h2>
                  <p class="card-meta">
                    <span class="tag tag-kind">{kindLabel(service.kind)}</span>{" "}
                    <span class="tag tag-case">{caseLabel(service.case)}</span>
                  </p>
                  <p class="card-meta">{t("apply.check.fees")}: {money(fixed)}</p>
                  <p class="card-meta">{t("directory.liveIn", { count: live })}</p>
                </li>
              );
            })}
          </ul>
          <h2>{t("directory.districtsTitle")}</h2>
          <p>{t("directory.districtsLive", { names: list(catalogue.data.districts.filter((d) => d.live)
            .map((d) => pick(d.name_ar, d.name_en))) })}</p>
        </>
      )}
    </Page>
  );
}
