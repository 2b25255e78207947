import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import type { District, Service } from "../../api/client";
import { contentTypeOf, counterServices, drawerBalance, lookup, piastersFromPounds, uploadForm, walkInErrors } from "./counter";
import ar from "./i18n/ar.json";
import en from "./i18n/en.json";
import { tc } from "./i18n";

const service = (code: string, serviceCase: string, districts: string[]) =>
  ({ code, case: serviceCase, districts }) as unknown as Service;
const district = (code: string, live = true) => ({ code, live }) as unknown as District;

describe("the services a clerk can enter", () => {
  const services = [service("shop-first", "first", ["EAST", "GOMROK"]), service("shop-renewal", "renewal", ["EAST"]),
    service("ad-first", "first", ["GOMROK"]), service("ad-transfer", "transfer", ["EAST"])];
  const districts = [district("EAST"), district("GOMROK"), district("WEST", false)];

  it("are those live in the clerk's district, renewals left to the licence, in catalogue order", () => {
    expect(counterServices(services, districts, "EAST").map((s) => s.code)).toEqual(["shop-first", "ad-transfer"]);
    expect(counterServices(services, districts, "GOMROK").map((s) => s.code)).toEqual(["shop-first", "ad-first"]);
  });

  it("are none in a district not live, or for a clerk with no district", () => {
    expect(counterServices([service("x", "first", ["WEST"])], districts, "WEST")).toEqual([]);
    expect(counterServices(services, districts, null)).toEqual([]);
  });
});

describe("the find box", () => {
  it("reads a licence number in any digits and case", () => {
    expect(lookup(" alx-east-٢٠٢٦-٠٠٠١٢٣ ")).toEqual({ kind: "licence", number: "ALX-EAST-2026-000123" });
  });

  it("reads an application reference", () => {
    expect(lookup("0F1E2D3C4B5A69788796A5B4C3D2E1F0")).toEqual({ kind: "application", id: "0f1e2d3c4b5a69788796a5b4c3d2e1f0" });
  });

  it("says neither for anything else", () => {
    expect(lookup("RCT-EAST-2026-000001")).toEqual({ kind: "unknown" });
    expect(lookup("0f1e2d3c")).toEqual({ kind: "unknown" });
    expect(lookup("")).toEqual({ kind: "unknown" });
  });
});

describe("cash counted in pounds", () => {
  it("becomes integer piasters, whatever digits and separator were typed", () => {
    expect(piastersFromPounds("1250")).toBe(125000);
    expect(piastersFromPounds("١٢٥٠٫٥")).toBe(125050);
    expect(piastersFromPounds("5,05")).toBe(505);
    expect(piastersFromPounds(" 0.5 ")).toBe(50);
    expect(piastersFromPounds("0")).toBe(0);
    // no floating-point drift: 0.29 pounds is 29 piasters, not 28.999…
    expect(piastersFromPounds("0.29")).toBe(29);
  });

  it("is refused when it is not an amount of money", () => {
    for (const typed of ["", "-5", "1.234", "12a", "1.2.3", "."]) expect(piastersFromPounds(typed), typed).toBeNull();
  });

  it("balances, or is over or short", () => {
    expect(drawerBalance(0)).toBe("balanced");
    expect(drawerBalance(500)).toBe("over");
    expect(drawerBalance(-1)).toBe("short");
  });
});

describe("the API's field errors on the one-page walk-in form", () => {
  it("go onto their inputs, and what has no input goes to the summary at the send button", () => {
    const { byInput, summary } = walkInErrors({ "applicant.mobile": "010…", "site.lat": "lat", "details.faces": "1-2",
      district: "not live" });
    expect(byInput).toEqual({ "applicant-mobile": "010…", "site-lat": "lat", "details-faces": "1-2" });
    expect(summary.map((error) => error.target)).toEqual(["applicant-mobile", "site-lat", "details-faces", "walk-in-submit"]);
    expect(summary.every((error) => error.href === undefined)).toBe(true);
  });
});

describe("a presigned upload", () => {
  it("sends every policy field, then the file last", () => {
    const form = uploadForm({ key: "documents/a/b", "Content-Type": "application/pdf", policy: "p" },
      new Blob(["%PDF-1.4"], { type: "application/pdf" }), "scan.pdf");
    expect([...form.keys()]).toEqual(["key", "Content-Type", "policy", "file"]);
    expect((form.get("file") as File).name).toBe("scan.pdf");
  });

  it("declares the browser's type, or one guessed from the name", () => {
    expect(contentTypeOf({ type: "image/png", name: "x.pdf" }, ["application/pdf"])).toBe("image/png");
    expect(contentTypeOf({ type: "", name: "SCAN.JPG" }, ["application/pdf"])).toBe("image/jpeg");
    expect(contentTypeOf({ type: "", name: "scan" }, ["application/pdf"])).toBe("application/pdf");
  });
});

describe("the counter's catalogues", () => {
  it("have the same keys in both languages and only valid ICU messages", () => {
    expect(Object.keys(ar).sort()).toEqual(Object.keys(en).sort());
    for (const [locale, catalogue] of [["ar-EG", ar], ["en-GB", en]] as const) {
      for (const [key, message] of Object.entries(catalogue)) {
        expect(() => new IntlMessageFormat(message, locale), `${locale} ${key}`).not.toThrow();
      }
    }
  });

  it("say how the fees were taken in each language", () => {
    expect(tc("fees.take", { amount: "EGP 5.50", method: "cash" }, "en")).toBe("Take EGP 5.50 in cash");
    expect(tc("fees.take", { amount: "٥٫٥٠ ج.م.", method: "card" }, "ar")).toBe("حصّل ٥٫٥٠ ج.م. بالبطاقة");
    expect(tc("drawer.payments", { count: 12 }, "ar")).toBe("مدفوعات اليوم (١٢)");
  });
});
