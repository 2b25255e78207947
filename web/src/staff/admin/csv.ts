// CSV files of the reports, made in the browser from the data on screen: what Excel opens
// (Arabic included) and what a script parses (RFC 4180).

/** One cell: text, a whole number, or a decimal already fixed as text by `decimal`. */
export type Cell = string | number | null | undefined;

// Excel decodes a CSV as the machine's ANSI code page unless it starts with a byte order mark:
// without it, Arabic opens as mojibake.
export const BOM = "\uFEFF";

// A cell starting with one of these is a formula to a spreadsheet ("CSV injection"): a name
// typed by a citizen or a clerk must not run as one.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field, quoted when it holds a separator, a quote or a line break; text that a
 * spreadsheet would run as a formula is prefixed with an apostrophe. Numbers stay numbers. */
export function field(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number") return Number.isFinite(cell) ? String(cell) : "";
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The file's text: the BOM, a header row, the rows, CRLF line ends (RFC 4180). */
export function toCsv(header: string[], rows: Cell[][]): string {
  return BOM + [header, ...rows].map((row) => row.map(field).join(",")).join("\r\n") + "\r\n";
}

/** Piasters as EGP with two decimals, "150.00": a plain number for a spreadsheet, never
 * formatted for a language (no Arabic-Indic digits, no grouping, no currency sign). */
export function egp(piasters: number): number {
  return Math.round(piasters) / 100;
}

/** A file name safe on every system: the report's name and its date range. */
export function fileName(report: string, from: string, to: string): string {
  return `rukhsa-${report}-${from}-to-${to}.csv`.replace(/[^A-Za-z0-9._-]/g, "-");
}

/** The file name of a report that stands as of a day (counts now, not over a period). */
export function asOfFileName(report: string, day: string): string {
  return `rukhsa-${report}-as-of-${day}.csv`.replace(/[^A-Za-z0-9._-]/g, "-");
}
