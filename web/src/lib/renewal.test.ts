import { describe, expect, it } from "vitest";
import { IDLE_LIMIT_MS, RENEW_BEFORE_MS, nextStep } from "./renewal";
import type { Session } from "./session";

const END = 10 * 60 * 60_000; // the token's end, ms on the page's clock
const person: Session = { token: "t", role: "officer", sub: "s", district: "EAST", pool: "staff", expiresAt: END };
const MINUTE = 60_000;

describe("what the app does about a session's token", () => {
  it("waits until a minute before the token ends", () => {
    expect(nextStep(person, END - 30 * MINUTE, END - 30 * MINUTE, true)).toEqual({ wait: 29 * MINUTE });
  });

  it("renews then if the person did anything in the last hour", () => {
    expect(nextStep(person, END - RENEW_BEFORE_MS, END - 59 * MINUTE, true)).toBe("renew");
    // and still after the end, when they come back to it within the hour
    expect(nextStep(person, END + 5 * MINUTE, END + 4 * MINUTE, true)).toBe("renew");
  });

  it("lets an idle officer's session run to its end, then ends it", () => {
    const idleSince = END - RENEW_BEFORE_MS - IDLE_LIMIT_MS.staff;
    expect(nextStep(person, END - RENEW_BEFORE_MS, idleSince, true)).toEqual({ wait: RENEW_BEFORE_MS });
    expect(nextStep(person, END, idleSince, true)).toBe("end");
  });

  it("keeps a citizen back from lunch on their own phone (a day's idle limit, not an hour's)", () => {
    const citizen: Session = { ...person, role: "citizen", pool: "citizens", district: null };
    expect(nextStep(citizen, END - RENEW_BEFORE_MS, END - 3 * 60 * MINUTE, true)).toBe("renew");
    expect(nextStep(citizen, END, END - IDLE_LIMIT_MS.citizen - 1, true)).toBe("end");
  });

  it("ends a session it cannot renew (the local issuer's) at the token's end, active or not", () => {
    const local = { ...person, pool: undefined };
    expect(nextStep(local, END - RENEW_BEFORE_MS, END - MINUTE, false)).toEqual({ wait: RENEW_BEFORE_MS });
    expect(nextStep(local, END + 1, END, false)).toBe("end");
  });

  it("never ends a session whose token has no known end", () => {
    expect(nextStep({ ...person, expiresAt: undefined }, END * 2, 0, false)).toEqual({ wait: Infinity });
  });
});
