// The inspector's offline verifier against bytes made by the Python reference implementations
// (fixture.json: scripts/make_inspector_fixture.py).
import { describe, expect, it } from "vitest";
import fixture from "./fixture.json";
import { verifySeal, tokenFrom } from "./seal";
import { verifyStatusList } from "./statusList";
import { verdictOf } from "./verdict";

const keys = fixture.jwks;
const token = fixture.seals["ALX-EAST-2026-000123"];
const suspendedToken = fixture.seals["ALX-AMREYA2-2026-1000001"];
const issued = new Date(fixture.issued_at);

function flip(text: string, at: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const next = alphabet[(alphabet.indexOf(text[at]) + 1) % 32];
  return text.slice(0, at) + next + text.slice(at + 1);
}

describe("seal", () => {
  it("verifies a genuine seal and reads its claims as the Python verifier does", async () => {
    const result = await verifySeal(token, keys);
    expect(result.ok && result.claims).toMatchObject({
      number: "ALX-EAST-2026-000123", kind: "advertisement", district: "EAST",
      lat: 31.20001, lng: 29.91876, validFrom: "2026-01-01", validUntil: "2026-12-31" });
  });

  it("takes a pasted verify link, lower-cased or not", async () => {
    expect(tokenFrom(`https://verify.example/v/${token.toLowerCase()}`)).toBe(token);
    expect((await verifySeal(`http://127.0.0.1:8000/V/${token}`, keys)).ok).toBe(true);
  });

  it("refuses a seal with one character changed, anywhere", async () => {
    for (const at of [10, 40, 80, 140]) {
      const result = await verifySeal(flip(token, at), keys);
      expect(result.ok).toBe(false);
    }
  });

  it("refuses a seal signed by a key it does not know", async () => {
    const result = await verifySeal(token, { keys: [] });
    expect(result).toEqual({ ok: false, reason: "unknown_key" });
  });
});

describe("status list", () => {
  it("verifies the signed list and decodes every entry", async () => {
    const result = await verifyStatusList(fixture.status_list, keys);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.fromEntries(result.list.statuses)).toEqual(fixture.statuses);
    expect(result.list.issuedAt.getTime()).toBe(issued.getTime());
  });

  it("rejects a list with one bit flipped", async () => {
    const [header, payload, signature] = fixture.status_list.split(".");
    const chars = payload.split("");
    chars[20] = chars[20] === "A" ? "B" : "A";
    const result = await verifyStatusList([header, chars.join(""), signature].join("."), keys);
    expect(result.ok).toBe(false);
  });
});

describe("verdict", () => {
  it("genuine and valid, suspended, stale, not genuine", async () => {
    const listed = await verifyStatusList(fixture.status_list, keys);
    const list = listed.ok ? listed.list : null;
    const soon = new Date(issued.getTime() + 3_600_000);
    expect(verdictOf(await verifySeal(token, keys), list, soon).kind).toBe("valid");
    expect(verdictOf(await verifySeal(suspendedToken, keys), list, soon).kind).toBe("suspended");
    const stale = new Date(issued.getTime() + 25 * 3_600_000);
    expect(verdictOf(await verifySeal(token, keys), list, stale).kind).toBe("cannot_confirm");
    expect(verdictOf(await verifySeal(token, keys), null, soon).kind).toBe("cannot_confirm");
    expect(verdictOf(await verifySeal(flip(token, 60), keys), list, soon).kind).toBe("not_genuine");
    expect(verdictOf(await verifySeal(token, keys), list, new Date("2027-01-02T10:00:00Z")).kind).toBe("expired");
  });
});

describe("the inspector's catalogue", () => {
  it("has the same keys in Arabic and English, none empty", async () => {
    const { catalogues } = await import("./i18n");
    expect(Object.keys(catalogues.en).sort()).toEqual(Object.keys(catalogues.ar).sort());
    for (const text of [...Object.values(catalogues.ar), ...Object.values(catalogues.en)]) {
      expect(text.trim()).not.toBe("");
    }
  });
});
