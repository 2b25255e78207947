import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { axis, largestTotal, niceMax, stack, ticks } from "./chart";
import { BOM, asOfFileName, egp, field, fileName, toCsv } from "./csv";
import { addDays, cairoToday, daysBetween } from "./dates";
import ar from "./i18n/ar.json";
import en from "./i18n/en.json";
import { grouped, revenueByDayAndChannel, statusColumns } from "./reportData";

describe("CSV", () => {
  it("starts with a BOM so Excel reads Arabic as UTF-8, and ends rows with CRLF", () => {
    const text = toCsv(["الحي", "الإجمالي"], [["حي شرق", 3], ["Gomrok", 0]]);
    expect(text.startsWith(BOM)).toBe(true);
    expect(text.slice(1)).toBe("الحي,الإجمالي\r\nحي شرق,3\r\nGomrok,0\r\n");
    expect(new TextEncoder().encode(text).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it("quotes separators, quotes and line breaks (RFC 4180)", () => {
    expect(field('12 شارع فؤاد، "الإسكندرية", مصر')).toBe('"12 شارع فؤاد، ""الإسكندرية"", مصر"');
    expect(field("line one\nline two")).toBe('"line one\nline two"');
    expect(field("plain")).toBe("plain");
    expect(field(null)).toBe("");
    expect(field(undefined)).toBe("");
  });

  it("never lets text run as a spreadsheet formula, but keeps numbers numbers", () => {
    expect(field("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(field("+201012345678")).toBe("'+201012345678");
    expect(field("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(field(-150.5)).toBe("-150.5");
    expect(field(Number.NaN)).toBe("");
  });

  it("writes money as plain EGP and names files safely", () => {
    expect(egp(15050)).toBe(150.5);
    expect(egp(0)).toBe(0);
    expect(fileName("revenue", "2026-11-01", "2026-11-30")).toBe("rukhsa-revenue-2026-11-01-to-2026-11-30.csv");
    expect(asOfFileName("fines", "2026-12-01")).toBe("rukhsa-fines-as-of-2026-12-01.csv");
    expect(fileName("حي/x", "a", "b")).toBe("rukhsa----x-a-to-b.csv");
  });
});

describe("chart scaling", () => {
  it("rounds the axis up to 1, 2, 2.5 or 5 times a power of ten", () => {
    expect([0, 0.3, 1, 7, 11, 19, 21, 26, 49, 51, 100, 15050].map(niceMax))
      .toEqual([1, 0.5, 1, 10, 20, 20, 25, 50, 50, 100, 100, 20000]);
    expect(niceMax(-5)).toBe(1);
    expect(niceMax(Number.NaN)).toBe(1);
  });

  it("spaces ticks evenly from zero to the maximum", () => {
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(ticks(25, 5)).toEqual([0, 5, 10, 15, 20, 25]);
  });

  it("steps the axis in nice amounts, whole ones for counts", () => {
    expect(axis(1, true)).toEqual({ max: 4, ticks: [0, 1, 2, 3, 4] });
    expect(axis(5, true)).toEqual({ max: 8, ticks: [0, 2, 4, 6, 8] });
    expect(axis(0, true)).toEqual({ max: 4, ticks: [0, 1, 2, 3, 4] });
    expect(axis(16500, false)).toEqual({ max: 20000, ticks: [0, 5000, 10000, 15000, 20000] });
    expect(axis(2.5, false).max).toBe(4);
  });

  it("stacks segments end to end, scaled to the width; bad values draw nothing", () => {
    const segments = stack([{ key: "a", value: 5 }, { key: "b", value: -3 }, { key: "c", value: 15 },
      { key: "d", value: Number.NaN }], 20, 400);
    expect(segments.map((s) => [s.key, s.start, s.length])).toEqual([
      ["a", 0, 100], ["b", 100, 0], ["c", 100, 300], ["d", 400, 0]]);
    expect(stack([{ key: "a", value: 5 }], 0, 400)[0].length).toBe(0);
    expect(largestTotal([{ parts: [{ value: 3 }, { value: 4 }] }, { parts: [{ value: 10 }, { value: -2 }] }])).toBe(10);
    expect(largestTotal([])).toBe(0);
  });
});

describe("report data", () => {
  const rows = [
    { day: "2026-11-29", gateway: "sandbox", status: "paid", amount_piasters: 15000 },
    { day: "2026-11-29", gateway: "counter", status: "paid", amount_piasters: 5000 },
    { day: "2026-11-29", gateway: "sandbox", status: "flagged", amount_piasters: 15000 },
    { day: "2026-12-01", gateway: "sandbox", status: "paid", amount_piasters: 2500 },
    { day: "2026-12-01", gateway: "fawry", status: "refunded", amount_piasters: 999 },
    { day: "2026-12-05", gateway: "sandbox", status: "paid", amount_piasters: 7 },
  ];

  it("sums paid amounts by day and channel, every day of the range present", () => {
    const table = revenueByDayAndChannel(rows, "2026-11-29", "2026-12-01");
    expect(table.days).toEqual(["2026-11-29", "2026-11-30", "2026-12-01"]);
    expect(table.channels).toEqual(["counter", "sandbox"]); // no paid fawry: no column
    expect(table.paid["2026-11-29"]).toEqual({ counter: 5000, sandbox: 15000 });
    expect(table.paid["2026-11-30"]).toEqual({ counter: 0, sandbox: 0 });
    expect(table.totalByDay).toEqual({ "2026-11-29": 20000, "2026-11-30": 0, "2026-12-01": 2500 });
    expect(table.total).toBe(22500); // the flagged, refunded and out-of-range rows are not revenue
  });

  it("groups statuses for the chart without losing a new one", () => {
    const byStatus = { submitted: 1, under_review: 2, issued: 3, rejected: 4, cancelled: 1, appealed: 5 };
    expect(grouped(byStatus)).toEqual({ open: 8, issued: 3, closed: 5 });
    expect(statusColumns(byStatus).slice(-4)).toEqual(["issued", "rejected", "cancelled", "appealed"]);
  });
});

describe("Cairo dates", () => {
  it("takes today's date in Cairo, not in the browser's zone", () => {
    // 23:30 UTC on 30 November is already 1 December in Cairo (UTC+2)
    expect(cairoToday(new Date("2026-11-30T23:30:00Z"))).toBe("2026-12-01");
    expect(cairoToday(new Date("2026-11-30T21:30:00Z"))).toBe("2026-11-30");
  });

  it("steps across months and years", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-12-30", "2027-01-02")).toHaveLength(4);
    expect(daysBetween("2026-12-02", "2026-12-01")).toEqual([]);
  });
});

describe("the administrator's catalogues", () => {
  it("have the same keys in both languages and only valid ICU messages", () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
    for (const [locale, catalogue] of [["ar-EG", ar], ["en-GB", en]] as const) {
      for (const [key, message] of Object.entries(catalogue)) {
        expect(() => new IntlMessageFormat(message, locale), `${locale} ${key}`).not.toThrow();
      }
    }
  });
});
