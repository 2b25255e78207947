import { describe, expect, it } from "vitest";
import { pinVerdict } from "./pin";

const EAST = { code: "EAST", name_ar: "حي شرق", name_en: "East" };

describe("the district from the pin", () => {
  it("fills a district where the service is live", () => {
    expect(pinVerdict({ district: EAST }, ["EAST", "WEST"])).toEqual({ kind: "fill", code: "EAST" });
  });
  it("does not fill a district where the service is not online yet", () => {
    expect(pinVerdict({ district: EAST }, ["WEST"])).toEqual({ kind: "not-live", code: "EAST" });
  });
  it("keeps the chosen district where no boundary covers the point", () => {
    expect(pinVerdict({ district: null }, ["EAST"])).toEqual({ kind: "governorate" });
  });
  it("says outside Alexandria when the API found no governorate (404)", () => {
    expect(pinVerdict(undefined, ["EAST"])).toEqual({ kind: "outside" });
  });
});
