import { beforeEach, describe, expect, it, vi } from "vitest";
import { hold, takeHeld } from "./held";
import { endSession, onSessionEnd, renewable, session, sessionEnded, signIn, signOut, type Session } from "./session";
import { memoryStorage } from "./testStorage";

const USER_KEY = "rukhsa.oidc.staff.user:https://cognito-idp.eu-central-1.amazonaws.com/pool:staff-client";
const PKCE_KEY = "rukhsa.oidc.staff.0123abcd"; // a sign-in under way
const officer: Session = { token: "t1", role: "officer", sub: "u-1", district: "EAST", pool: "staff", expiresAt: Date.now() + 3_600_000 };

beforeEach(() => {
  vi.stubGlobal("sessionStorage", memoryStorage());
  vi.stubGlobal("location", { pathname: "/staff/applications/a1" });
});

describe("a session that ends under the person", () => {
  it("asks the open forms to hold their answers, forgets the tokens and says why", () => {
    signIn(officer);
    sessionStorage.setItem(USER_KEY, JSON.stringify({ refresh_token: "r" }));
    const stop = onSessionEnd((person) => {
      hold("decision", person.sub, { reason: "missing plan" });
      return true;
    });
    endSession();
    stop();
    expect(session()).toBeNull();
    expect(sessionStorage.getItem(USER_KEY)).toBeNull();
    expect(sessionEnded()).toEqual({ held: 1 });
    // the same person gets the answers back once; the message goes with the next sign-in
    signIn(officer);
    expect(sessionEnded()).toBeNull();
    expect(takeHeld("decision", "u-1")).toEqual({ reason: "missing plan" });
    expect(takeHeld("decision", "u-1")).toBeUndefined();
  });

  it("never gives one person's held answers to another", () => {
    hold("walk-in", "clerk-a", { name: "سعاد" });
    expect(takeHeld("walk-in", "clerk-b")).toBeUndefined();
    expect(takeHeld("walk-in", "clerk-a")).toBeUndefined(); // dropped, not kept for later
  });

  it("ends at once on reading when its token is past and nothing can renew it (the local issuer)", () => {
    signIn({ ...officer, pool: undefined, expiresAt: Date.now() - 1 });
    expect(session()).toBeNull();
    expect(sessionEnded()).toEqual({ held: 0 });
  });

  it("stays while a refresh token in this tab can renew it", () => {
    const expired = { ...officer, expiresAt: Date.now() - 1 };
    signIn(expired);
    expect(renewable(expired)).toBe(false);
    sessionStorage.setItem(USER_KEY, "{}");
    expect(renewable(expired)).toBe(true);
    expect(session()).toEqual(expired);
  });
});

describe("signing out", () => {
  it("leaves nothing of the person in the tab, but a sign-in under way keeps its PKCE state", () => {
    signIn(officer);
    sessionStorage.setItem(USER_KEY, "{}");
    sessionStorage.setItem(PKCE_KEY, "{}");
    hold("decision", "u-1", { reason: "x" });
    signOut();
    expect([...Array(sessionStorage.length).keys()].map((i) => sessionStorage.key(i))).toEqual([PKCE_KEY]);
    expect(sessionEnded()).toBeNull(); // they chose to leave: no "your session ended"
  });
});
