import { describe, expect, it } from "vitest";
import { looksLikeMobile, tokenRequest } from "./localSignIn";

describe("the local sign-in's token request", () => {
  it("signs a citizen in by the mobile typed, in any digits, so counter applications are theirs", () => {
    expect(tokenRequest("citizen", "٠١٠١٢٣٤٥٦٧٨", "")).toEqual({ role: "citizen", sub: "01012345678",
      mobile: "01012345678", district: undefined });
    expect(tokenRequest("citizen", "+20 101 234 5678", "").mobile).toBe("+201012345678");
  });

  it("keeps a typed user id as the subject alone", () => {
    expect(tokenRequest("citizen", "citizen-7", "")).toEqual({ role: "citizen", sub: "citizen-7", district: undefined });
    expect(tokenRequest("citizen", "", "").sub).toBeUndefined();
  });

  it("gives staff their district and never a citizen's mobile", () => {
    expect(tokenRequest("clerk", "01012345678", "EAST")).toEqual({ role: "clerk", sub: "01012345678", district: "EAST" });
    expect(tokenRequest("admin", "", "EAST").district).toBeUndefined();
    expect(tokenRequest("clerk", "", "EAST", " سعاد حسن ").name).toBe("سعاد حسن");
    expect(tokenRequest("citizen", "", "", "سعاد حسن").name).toBeUndefined();
  });

  it("tells Egyptian mobiles from other text", () => {
    expect(looksLikeMobile("01512345678")).toBe(true);
    expect(looksLikeMobile("0020 1112345678")).toBe(true);
    expect(looksLikeMobile("01912345678")).toBe(false); // no operator has 019
    expect(looksLikeMobile("0101234567")).toBe(false);
    expect(looksLikeMobile("1012345678")).toBe(false); // the API needs the 0 or +20 in front
  });
});
