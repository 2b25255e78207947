import { describe, expect, it, vi } from "vitest";
import { LOCAL, logoutUrl, parseRuntimeConfig, runtimeConfig } from "./runtimeConfig";

const POOLS = {
  citizens: { issuer: "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_C", domain: "https://rukhsa-prod.auth.eu-central-1.amazoncognito.com/", clientId: "portal" },
  staff: { issuer: "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_S", domain: "https://rukhsa-prod-staff.auth.eu-central-1.amazoncognito.com", clientId: "staff" },
};

const answer = (status: number, body?: unknown) =>
  (async () => new Response(body === undefined ? "" : JSON.stringify(body), { status })) as typeof fetch;

describe("the sign-in mode from /config.json", () => {
  it("is local when the local front says so", () => {
    expect(parseRuntimeConfig({ auth: { mode: "local" } })).toEqual(LOCAL);
  });

  it("is Cognito with both pools when the stack wrote them (domain without its trailing slash)", () => {
    const config = parseRuntimeConfig({ auth: { mode: "cognito", ...POOLS } });
    expect(config.auth.mode).toBe("cognito");
    if (config.auth.mode !== "cognito") throw new Error("unreachable");
    expect(config.auth.citizens.domain).toBe("https://rukhsa-prod.auth.eu-central-1.amazoncognito.com");
    expect(config.auth.staff.clientId).toBe("staff");
  });

  it("refuses an incomplete or unknown config rather than falling back to the local sign-in", () => {
    expect(() => parseRuntimeConfig({ auth: { mode: "cognito", citizens: POOLS.citizens } })).toThrow(/auth.staff/);
    expect(() => parseRuntimeConfig({ auth: { mode: "cognito", ...POOLS, staff: { ...POOLS.staff, domain: "http://plain" } } })).toThrow();
    expect(() => parseRuntimeConfig({ auth: { mode: "saml" } })).toThrow(/local or cognito/);
    expect(() => parseRuntimeConfig(null)).toThrow();
  });

  it("reads the file once; no file at all (Vite's dev server) is the local stack", async () => {
    expect(await runtimeConfig(answer(404))).toEqual(LOCAL);
    // cached: the next call does not fetch
    expect(await runtimeConfig(answer(200, { auth: { mode: "cognito", ...POOLS } }))).toEqual(LOCAL);
  });

  it("fails on a server error and is fetched again next time", async () => {
    vi.resetModules();
    const fresh = await import("./runtimeConfig");
    await expect(fresh.runtimeConfig(answer(503))).rejects.toThrow(/503/);
    const config = await fresh.runtimeConfig(answer(200, { auth: { mode: "cognito", ...POOLS } }));
    expect(config.auth.mode).toBe("cognito");
  });
});

describe("signing out of managed login", () => {
  it("goes to the pool's logout endpoint with its client and comes back to the directory", () => {
    const config = parseRuntimeConfig({ auth: { mode: "cognito", ...POOLS } });
    const url = new URL(logoutUrl(config, "staff", "https://rukhsa.example.gov.eg")!);
    expect(url.origin + url.pathname).toBe("https://rukhsa-prod-staff.auth.eu-central-1.amazoncognito.com/logout");
    expect(url.searchParams.get("client_id")).toBe("staff");
    expect(url.searchParams.get("logout_uri")).toBe("https://rukhsa.example.gov.eg/");
    expect(logoutUrl(LOCAL, "staff", "https://x")).toBeNull();
  });
});
