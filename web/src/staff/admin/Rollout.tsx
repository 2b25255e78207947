import { useRef, useState } from "preact/hooks";
import { api, type Service } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary } from "../../components/ErrorSummary";
import { pick, useLocale } from "../../i18n";
import { loadCatalogue } from "../../lib/catalogue";
import { dateTime } from "../../lib/format";
import { districtName, kindLabel, serviceName } from "../../lib/labels";
import { useLoad } from "../../lib/useLoad";
import { StaffPage } from "../StaffPage";
import { ta } from "./i18n";
import { Loading, Table } from "./parts";
import "./admin.css";

const AUDIT_PAGE = "20";

interface Toggle {
  service: Service;
  district: string;
  live: boolean; // what it becomes
}

type AuditRecord = { at: string; actor?: string | null; actor_name?: string | null; district?: string | null;
  action: string; data?: Record<string, unknown> | null };

/** /staff/admin/rollout: which services are live in which district, turned on and off with a
 * confirmation, and every change with who made it and when. */
export default function Rollout() {
  useLocale(); // the title is worded here: a language switch must re-render it
  return (
    <StaffPage title={ta("admin.rollout.title")} roles={["admin"]}>
      {() => <RolloutMatrix />}
    </StaffPage>
  );
}

function RolloutMatrix() {
  const catalogue = useLoad(loadCatalogue, []);
  const rollout = useLoad(() => call(() => api.GET("/v1/admin/rollout")), []);
  const [kind, setKind] = useState("");
  const [asking, setAsking] = useState<Toggle>();
  const [problem, setProblem] = useState<Problem>();
  const [saved, setSaved] = useState<{ key: "admin.rollout.savedOn" | "admin.rollout.savedOff"; service: Service; district: string }>();
  const [auditVersion, setAuditVersion] = useState(0);
  const dialog = useRef<HTMLDialogElement>(null);

  const loadProblem = catalogue.problem ?? rollout.problem;
  if (!catalogue.data || !rollout.data) {
    return <Loading problem={loadProblem} loading onRetry={() => { void catalogue.reload(); void rollout.reload(); }} />;
  }
  const { services, districts } = catalogue.data;
  const liveIn = new Map(rollout.data.rollout.map((entry) => [entry.service_code, new Set(entry.districts)]));
  const liveDistricts = new Set(rollout.data.rollout.flatMap((entry) => entry.districts));
  const kinds = [...new Set(services.map((s) => s.kind))];
  const shown = services.filter((s) => !kind || s.kind === kind);
  const nameOf = (code: string) => districtName(code, districts);

  const ask = (toggle: Toggle) => {
    setAsking(toggle);
    setProblem(undefined);
    dialog.current?.showModal();
  };
  const confirm = async () => {
    if (!asking) return;
    const result = await call(() => api.PUT("/v1/admin/rollout/{service_code}/{district}", {
      params: { path: { service_code: asking.service.code, district: asking.district } },
      body: { live: asking.live } }));
    dialog.current?.close();
    if (result.problem) {
      setProblem(result.problem);
      return;
    }
    setSaved({ key: asking.live ? "admin.rollout.savedOn" : "admin.rollout.savedOff",
      service: asking.service, district: asking.district });
    await rollout.reload();
    setAuditVersion((n) => n + 1);
  };

  return (
    <>
      <p class="lead">{ta("admin.rollout.lead")}</p>
      <ErrorSummary problem={problem} />
      <div role="status">
        {saved && <p class="notice admin-saved">
          {ta(saved.key, { service: serviceName(saved.service), district: nameOf(saved.district) })}
        </p>}
      </div>
      <div class="field admin-filter">
        <label for="rollout-kind">{ta("admin.rollout.kind")}</label>
        <select id="rollout-kind" class="input" value={kind}
          onChange={(event) => setKind((event.currentTarget as HTMLSelectElement).value)}>
          <option value="">{ta("admin.rollout.allKinds")}</option>
          {kinds.map((k) => <option key={k} value={k}>{kindLabel(k)}</option>)}
        </select>
        <p class="count">{ta("admin.rollout.shown", { count: shown.length })}</p>
      </div>
      <div class="staff-table-wrap admin-matrix" tabIndex={0} role="region" aria-label={ta("admin.rollout.matrix")}>
        <table class="staff-table">
          <caption class="visually-hidden">{ta("admin.rollout.matrix")}</caption>
          <thead>
            <tr>
              <th scope="col">{ta("admin.rollout.service")}</th>
              {districts.map((d) => (
                <th scope="col" key={d.code}>
                  {pick(d.name_ar, d.name_en)}
                  <span class={`admin-wave ${liveDistricts.has(d.code) ? "admin-wave-live" : ""}`}>
                    {ta(liveDistricts.has(d.code) ? "admin.rollout.districtLive" : "admin.rollout.districtNext")}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((service) => (
              <tr key={service.code}>
                <th scope="row">{serviceName(service)}</th>
                {districts.map((d) => {
                  const live = liveIn.get(service.code)?.has(d.code) ?? false;
                  const state = ta(live ? "admin.rollout.live" : "admin.rollout.notLive");
                  return (
                    <td key={d.code}>
                      <button type="button" class={`admin-cell ${live ? "admin-cell-live" : ""}`}
                        aria-label={ta("admin.rollout.cell", { service: serviceName(service), district: pick(d.name_ar, d.name_en), state })}
                        onClick={() => ask({ service, district: d.code, live: !live })}>
                        {state}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dialog ref={dialog} class="admin-dialog" aria-labelledby="rollout-confirm-title"
        onClose={() => setAsking(undefined)}>
        {asking && (
          <>
            <h2 id="rollout-confirm-title">
              {ta(asking.live ? "admin.rollout.confirmOn" : "admin.rollout.confirmOff",
                { service: serviceName(asking.service), district: nameOf(asking.district) })}
            </h2>
            <p>{ta(asking.live ? "admin.rollout.confirmOnBody" : "admin.rollout.confirmOffBody")}</p>
            <div class="admin-actions">
              <button type="button" class="button" onClick={() => void confirm()}>
                {ta(asking.live ? "admin.rollout.turnOn" : "admin.rollout.turnOff")}
              </button>
              <button type="button" class="button button-secondary" onClick={() => dialog.current?.close()}>
                {ta("admin.rollout.cancel")}
              </button>
            </div>
          </>
        )}
      </dialog>
      <RolloutAudit key={auditVersion} services={services} nameOf={nameOf} />
    </>
  );
}

/** The rollout's audit trail, newest first, a page at a time. */
function RolloutAudit(props: { services: Service[]; nameOf: (code: string) => string }) {
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [cursor, setCursor] = useState<string | null>();
  const page = useLoad(async () => {
    const result = await call(() => api.GET("/v1/admin/rollout/audit", { params: { query: { limit: AUDIT_PAGE } } }));
    if (result.data) {
      setRecords(result.data.records as AuditRecord[]);
      setCursor(result.data.next_cursor);
    }
    return result;
  }, []);
  const more = async () => {
    if (!cursor) return;
    const result = await call(() => api.GET("/v1/admin/rollout/audit",
      { params: { query: { limit: AUDIT_PAGE, cursor } } }));
    if (result.data) {
      setRecords([...records, ...(result.data.records as AuditRecord[])]);
      setCursor(result.data.next_cursor);
    }
  };
  const serviceOf = (code: unknown) => {
    const found = props.services.find((s) => s.code === code);
    return found ? serviceName(found) : String(code ?? "");
  };
  return (
    <section aria-labelledby="rollout-audit">
      <h2 id="rollout-audit">{ta("admin.audit.title")}</h2>
      <Loading problem={page.problem} loading={page.loading} onRetry={() => void page.reload()} />
      {!page.loading && records.length === 0 && !page.problem && <p>{ta("admin.audit.empty")}</p>}
      {records.length > 0 && (
        <Table caption={ta("admin.audit.title")}
          header={[ta("admin.audit.when"), ta("admin.audit.change"), ta("admin.audit.service"), ta("admin.audit.district"), ta("admin.audit.who")]}
          rows={records.map((r) => [
            dateTime(r.at),
            <span class={`tag ${r.action === "rollout_on" ? "tag-active" : "tag-suspended"}`}>
              {ta(r.action === "rollout_on" ? "admin.audit.on" : "admin.audit.off")}
            </span>,
            serviceOf(r.data?.service_code),
            props.nameOf(r.district ?? ""),
            r.actor_name || <bdi dir="ltr">{r.actor}</bdi>,
          ])} />
      )}
      {cursor && <button type="button" class="button button-secondary" onClick={() => void more()}>{ta("admin.audit.more")}</button>}
    </section>
  );
}
