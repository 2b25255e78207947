import { useLocation } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api/client";
import { call, type Problem } from "../../api/problem";
import { ErrorSummary } from "../../components/ErrorSummary";
import { TextField } from "../../components/Fields";
import { Code, Loading, ProblemBox, StatusTag } from "../../components/Status";
import { useLocale } from "../../i18n";
import { calendarDate } from "../../lib/format";
import { kindLabel } from "../../lib/labels";
import { StaffPage } from "../StaffPage";
import { to } from "./i18n";
import { TableBox } from "./parts";
import type { LicenceList } from "./types";
import "./officer.css";

const NUMBER = /^[A-Za-z0-9-]{3,40}$/;

/** /staff/licences: find a licence by its number, or pick one of the district's. */
export default function Licences() {
  useLocale();
  return (
    <StaffPage title={to("licences.title")} roles={["officer"]}>
      {() => <LicencesBody />}
    </StaffPage>
  );
}

function LicencesBody() {
  const { route } = useLocation();
  const [number, setNumber] = useState("");
  const [searchProblem, setSearchProblem] = useState<Problem>();
  const [pages, setPages] = useState<LicenceList[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [loading, setLoading] = useState(true);
  const fetchPage = (cursor?: string) => call(() => api.GET("/v1/licences",
    { params: { query: { limit: "25", ...(cursor ? { cursor } : {}) } } }));
  const first = async () => {
    const result = await fetchPage();
    setLoading(false);
    setProblem(result.problem);
    setPages(result.data ? [result.data] : []);
  };
  useEffect(() => void first(), []);
  const next = pages.length ? pages[pages.length - 1].next_cursor : undefined;
  const more = async () => {
    const result = await fetchPage(next ?? undefined);
    if (result.problem) setProblem(result.problem);
    else setPages([...pages, result.data]);
  };
  function find(event: Event) {
    event.preventDefault();
    const wanted = number.trim().toUpperCase();
    if (!NUMBER.test(wanted)) {
      return setSearchProblem({ status: 400, code: "local", message: to("licences.numberMissing"),
        fields: { number: to("licences.numberMissing") } });
    }
    route(`/staff/licences/${encodeURIComponent(wanted)}`);
  }
  const licences = pages.flatMap((page) => page.licences);
  const error = searchProblem?.fields.number;
  return (
    <>
      <form onSubmit={find} noValidate role="search" aria-label={to("licences.search")}>
        <ErrorSummary problem={searchProblem} errors={error ? [{ target: "licence-number", message: error }] : []} />
        <TextField id="licence-number" label={to("licences.number")} hint={to("licences.numberHint")} ltr
          value={number} onValue={setNumber} error={error} />
        <button type="submit" class="button">{to("licences.find")}</button>
      </form>
      <h2 id="district-licences">{to("licences.district")}</h2>
      {problem && <ProblemBox problem={problem} onRetry={first} />}
      {loading ? <Loading /> : licences.length === 0 ? <p>{to("licences.none")}</p> : (
        <TableBox name={to("licences.district")}>
          <table class="staff-table">
            <thead><tr><th scope="col">{to("licences.col.number")}</th><th scope="col">{to("licences.col.kind")}</th>
              <th scope="col">{to("licences.col.holder")}</th><th scope="col">{to("licences.col.until")}</th>
              <th scope="col">{to("licences.col.status")}</th></tr></thead>
            <tbody>
              {licences.map((licence) => (
                <tr key={licence.number}>
                  <td><a href={`/staff/licences/${licence.number}`}><Code>{licence.number}</Code></a></td>
                  <td>{kindLabel(licence.kind)}</td>
                  <td>{licence.holder.name}</td>
                  <td>{calendarDate(licence.valid_until)}</td>
                  <td><StatusTag status={licence.status} licence /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      )}
      {next && <button type="button" class="button button-secondary" onClick={more}>{to("licences.more")}</button>}
    </>
  );
}
