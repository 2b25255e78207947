import { describe, expect, it } from "vitest";
import { cairoWallTimeToIso } from "./cairoTime";
import { cairoDate, classify, clockStart, slaOf, workingDaysBetween } from "./sla";

const paidOn = (at: string, status = "under_review") => ({
  status, created_at: "2026-11-01T08:00:00Z",
  timeline: [{ status: "submitted", at: "2026-11-01T08:00:00Z" }, { status: "paid", at },
    { status: "under_review", at }],
});

describe("working days in Cairo", () => {
  it("skips Friday and Saturday", () => {
    // 2026-11-26 is a Thursday: Friday 27 and Saturday 28 are the weekend, Sunday 29 counts.
    expect(workingDaysBetween("2026-11-26", "2026-11-29")).toBe(1);
    expect(workingDaysBetween("2026-11-26", "2026-11-28")).toBe(0);
    expect(workingDaysBetween("2026-11-22", "2026-11-26")).toBe(4);
    expect(workingDaysBetween("2026-11-22", "2026-11-22")).toBe(0);
    expect(workingDaysBetween("2026-11-29", "2026-11-22")).toBe(0);
  });

  it("takes the date in Cairo, not in UTC", () => {
    // 23:30 UTC on 30 November is already 1 December in Cairo (UTC+2 in winter).
    expect(cairoDate("2026-11-30T23:30:00Z")).toBe("2026-12-01");
    expect(cairoDate("2026-11-30T21:30:00Z")).toBe("2026-11-30");
  });
});

describe("the SLA of an application", () => {
  it("counts from the payment, not the submission", () => {
    expect(clockStart(paidOn("2026-11-10T09:00:00Z"))).toBe("2026-11-10T09:00:00Z");
    expect(clockStart({ status: "under_review", created_at: "2026-11-01T08:00:00Z", timeline: [] }))
      .toBe("2026-11-01T08:00:00Z");
  });

  it("is on time, then due soon in the last fifth, then late", () => {
    expect(classify(0, 15)).toMatchObject({ state: "on_time", remaining: 15 });
    expect(classify(11, 15)).toMatchObject({ state: "on_time", remaining: 4 });
    expect(classify(12, 15)).toMatchObject({ state: "due_soon", remaining: 3 });
    expect(classify(15, 15)).toMatchObject({ state: "due_soon", remaining: 0 });
    expect(classify(16, 15)).toMatchObject({ state: "late", remaining: -1 });
    // A short service is due soon on its last working day at least.
    expect(classify(1, 3)).toMatchObject({ state: "on_time" });
    expect(classify(2, 3)).toMatchObject({ state: "due_soon" });
    expect(classify(4, 3)).toMatchObject({ state: "late" });
  });

  it("reads the clock of a real application against the catalogue's days", () => {
    const now = new Date("2026-11-26T10:00:00Z"); // Thursday
    // Paid on Sunday 22nd: four working days (Mon-Thu) have passed.
    expect(slaOf(paidOn("2026-11-22T07:00:00Z"), 30, now)).toMatchObject({ state: "on_time", elapsed: 4 });
    expect(slaOf(paidOn("2026-11-22T07:00:00Z"), 5, now)).toMatchObject({ state: "due_soon", remaining: 1 });
    expect(slaOf(paidOn("2026-11-22T07:00:00Z"), 3, now)).toMatchObject({ state: "late", remaining: -1 });
  });

  it("does not run when it is not the district's turn, or the service states no time", () => {
    const now = new Date("2026-11-26T10:00:00Z");
    expect(slaOf(paidOn("2026-11-22T07:00:00Z", "submitted"), 3, now)).toBeUndefined();
    expect(slaOf(paidOn("2026-11-22T07:00:00Z", "returned"), 3, now)).toBeUndefined();
    expect(slaOf(paidOn("2026-11-22T07:00:00Z", "issued"), 3, now)).toBeUndefined();
    expect(slaOf(paidOn("2026-11-22T07:00:00Z"), 0, now)).toBeUndefined();
    expect(slaOf(paidOn("2026-11-22T07:00:00Z"), undefined, now)).toBeUndefined();
  });
});

describe("an inspection's time in Cairo", () => {
  it("carries Cairo's offset for that date, summer time included", () => {
    expect(cairoWallTimeToIso("2026-12-10T10:00")).toBe("2026-12-10T10:00:00+02:00");
    expect(cairoWallTimeToIso("2026-07-15T09:30")).toBe("2026-07-15T09:30:00+03:00");
  });

  it("refuses what is not a full date and time", () => {
    expect(cairoWallTimeToIso("")).toBeUndefined();
    expect(cairoWallTimeToIso("2026-12-10")).toBeUndefined();
    expect(cairoWallTimeToIso("10/12/2026 10:00")).toBeUndefined();
  });
});

describe("the officer's catalogues", () => {
  it("have the same keys in both languages, each a valid ICU message", async () => {
    const { IntlMessageFormat } = await import("intl-messageformat");
    const { catalogues } = await import("./i18n");
    expect(Object.keys(catalogues.ar).sort()).toEqual(Object.keys(catalogues.en).sort());
    for (const [locale, catalogue] of [["ar-EG", catalogues.ar], ["en-GB", catalogues.en]] as const) {
      for (const [key, message] of Object.entries(catalogue)) {
        expect(() => new IntlMessageFormat(message, locale), `${locale} ${key}`).not.toThrow();
      }
    }
  });

  it("say how late in Arabic words and digits, not by colour alone", async () => {
    const { to } = await import("./i18n");
    expect(to("sla.late", { days: 1 }, "ar")).toBe("متأخر يوم عمل واحدًا");
    expect(to("sla.late", { days: 3 }, "ar")).toBe("متأخر ٣ أيام عمل");
    expect(to("sla.dueSoon", { days: 0 }, "en")).toBe("Due soon: due today");
    expect(to("sla.onTime", { days: 12 }, "en")).toBe("On time: 12 working days left");
  });
});
