import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import ar from "./ar.json";
import en from "./en.json";
import { t } from "./index";

describe("message catalogues", () => {
  it("have the same keys in both languages", () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
  });

  it("hold only valid ICU messages", () => {
    for (const [locale, catalogue] of [["ar-EG", ar], ["en-GB", en]] as const) {
      for (const [key, message] of Object.entries(catalogue)) {
        expect(() => new IntlMessageFormat(message, locale), `${locale} ${key}`).not.toThrow();
      }
    }
  });

  it("use Arabic's plural forms: one, two, few, many, other", () => {
    const months = (n: number) => t("service.validityMonths", { months: n }, "ar");
    expect(months(1)).toBe("شهر واحد");
    expect(months(2)).toBe("شهران");
    expect(months(3)).toBe("٣ أشهر");
    expect(months(12)).toBe("١٢ شهرًا");
    expect(months(100)).toBe("١٠٠ شهر");
    expect(t("service.validityMonths", { months: 1 }, "en")).toBe("1 month");
    expect(t("service.validityMonths", { months: 12 }, "en")).toBe("12 months");
  });
});
