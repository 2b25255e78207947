import { describe, expect, it } from "vitest";
import { endOnThisClock, jwtClaims, sessionFromIdToken } from "./claims";

const EXP = 2_000_000_000;
const b64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const idToken = (claims: Record<string, unknown>) =>
  `${b64url(JSON.stringify({ alg: "RS256", kid: "k" }))}.${b64url(JSON.stringify({ sub: "u-1", exp: EXP, token_use: "id", ...claims }))}.sig`;

describe("an ID token's claims", () => {
  it("are read from base64url, UTF-8 included", () => {
    expect(jwtClaims(idToken({ name: "منى سالم" })).name).toBe("منى سالم");
  });
});

describe("when a token just received ends on this device's clock", () => {
  it("is its lifetime from now, whatever the device's clock says (an hour ahead here)", () => {
    const issued = 1_800_000_000;
    const deviceNow = (issued + 3600) * 1000;
    expect(endOnThisClock({ iat: issued, exp: issued + 3600 }, deviceNow)).toBe(deviceNow + 3_600_000);
  });

  it("is its exp as written when it has no iat (or a nonsensical one), and nothing without exp", () => {
    expect(endOnThisClock({ exp: EXP })).toBe(EXP * 1000);
    expect(endOnThisClock({ exp: EXP, iat: EXP + 5 })).toBe(EXP * 1000);
    expect(endOnThisClock({ iat: EXP })).toBeUndefined();
  });
});

describe("the session a Cognito ID token gives", () => {
  it("makes anyone of the citizens' pool a citizen known by the verified mobile", () => {
    const token = idToken({ phone_number: "+201001234567", phone_number_verified: true, "cognito:groups": ["admin"] });
    expect(sessionFromIdToken(token, "citizens")).toEqual({
      token, role: "citizen", sub: "+201001234567", district: null, pool: "citizens", expiresAt: EXP * 1000,
    });
  });

  it("keeps the subject when the mobile is not verified", () => {
    const session = sessionFromIdToken(idToken({ phone_number: "+201001234567", phone_number_verified: false }), "citizens");
    expect(session?.sub).toBe("u-1");
  });

  it("gives staff the first staff role of their groups, with the district officers and clerks need", () => {
    const officer = sessionFromIdToken(idToken({ "cognito:groups": ["officer"], "custom:district": "montaza" }), "staff");
    expect([officer?.role, officer?.district, officer?.pool]).toEqual(["officer", "montaza", "staff"]);
    const admin = sessionFromIdToken(idToken({ "cognito:groups": ["clerk", "admin"], "custom:district": "wasat" }), "staff");
    expect([admin?.role, admin?.district]).toEqual(["admin", null]);
  });

  it("gives nothing where the API would refuse: no staff group, a clerk without district, an access token", () => {
    expect(sessionFromIdToken(idToken({ "cognito:groups": ["citizen"] }), "staff")).toBeNull();
    expect(sessionFromIdToken(idToken({ "cognito:groups": ["clerk"] }), "staff")).toBeNull();
    expect(sessionFromIdToken(idToken({ token_use: "access" }), "citizens")).toBeNull();
  });
});
