import { describe, expect, it } from "vitest";
import { normaliseDigits, parseDecimal, parseWhole } from "./digits";

describe("digits typed on an Arabic keyboard", () => {
  it("turns Arabic-Indic and Eastern Arabic-Indic digits into ASCII", () => {
    expect(normaliseDigits(" ٠١٠١٢٣٤٥٦٧٨ ")).toBe("01012345678");
    expect(normaliseDigits("۰۱۲۳۴۵۶۷۸۹")).toBe("0123456789");
    expect(normaliseDigits("٢٩٠٠١٠١٠٢٠١٢٣٤")).toBe("29001010201234");
  });

  it("reads the Arabic decimal separator and drops the thousands separator", () => {
    expect(parseDecimal("٣١٫٢٠٨٩")).toBe(31.2089);
    expect(parseDecimal("١٬٥٠٠")).toBe(1500);
    expect(parseDecimal("1,5")).toBe(1.5);
    expect(parseDecimal("-29.9")).toBe(-29.9);
  });

  it("refuses what is not a number, rather than guessing", () => {
    expect(parseDecimal("")).toBeNull();
    expect(parseDecimal("٣أ")).toBeNull();
    expect(parseDecimal("1.2.3")).toBeNull();
    expect(parseWhole("٢٫٥")).toBeNull();
    expect(parseWhole("٤")).toBe(4);
  });
});
