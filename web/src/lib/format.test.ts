import { describe, expect, it } from "vitest";
import { cairoToday, calendarDate, dateTime, lateNight, money, searchable } from "./format";

describe("money", () => {
  it("shows EGP from integer piasters, in Arabic-Indic digits in Arabic", () => {
    expect(money(550, "en").replace(/\s/g, " ")).toBe("EGP 5.50");
    expect(money(50000, "en").replace(/\s/g, " ")).toBe("EGP 500");
    expect(money(550, "ar")).toContain("٥٫٥٠");
    expect(money(550, "ar")).toContain("ج.م.");
  });
});

describe("dates", () => {
  it("shows an instant stored in UTC as Cairo's date and time", () => {
    // 22:30 UTC on 1 July is 01:30 on 2 July in Cairo (UTC+3 in summer)
    expect(dateTime("2026-07-01T22:30:00Z", "en")).toContain("2 Jul 2026");
    // and 22:30 UTC on 1 January is 00:30 on 2 January (UTC+2 in winter)
    expect(dateTime("2026-01-01T22:30:00Z", "en")).toMatch(/2 Jan 2026.*00:30/);
  });

  it("shows a business date as the calendar date it is, never shifted", () => {
    expect(calendarDate("2027-01-14", "en")).toBe("14 January 2027");
    expect(calendarDate("2027-01-14", "ar")).toContain("١٤");
  });
});

describe("search", () => {
  it("ignores diacritics, alef forms and ta marbuta", () => {
    expect(searchable("إِعْلان")).toBe(searchable("اعلان"));
    expect(searchable("ترخيص مُنشأة")).toContain(searchable("منشاه"));
    expect(searchable("Shop")).toBe("shop");
  });
});

describe("cairoToday", () => {
  it("is Cairo's calendar day, not UTC's: 22:30 UTC on 1 July is already 2 July in Cairo", () => {
    expect(cairoToday(new Date("2026-07-01T22:30:00Z"))).toBe("2026-07-02");
    expect(cairoToday(new Date("2026-07-01T20:30:00Z"))).toBe("2026-07-01");
  });
});

describe("lateNight", () => {
  it("reads the night a late fine is for from its key, and nothing from other codes", () => {
    expect(lateNight("late:2026-11-29")).toBe("2026-11-29");
    expect(lateNight("licence")).toBeUndefined();
    expect(lateNight(undefined)).toBeUndefined();
  });
});
