import { describe, expect, it } from "vitest";
import { afterAnswer, newKey } from "./queue";

describe("the offline report queue", () => {
  it("keeps a report for later on no answer, throttling or a server fault", () => {
    for (const status of [0, 408, 429, 500, 502, 503]) expect(afterAnswer(status)).toBe("retry");
  });

  it("is done with a report the API took, first time or as a replay", () => {
    expect(afterAnswer(201)).toBe("accepted");
    expect(afterAnswer(200)).toBe("accepted");
  });

  it("waits for a sign-in on 401 and 403, and stops on any other refusal", () => {
    expect(afterAnswer(401)).toBe("sign_in");
    expect(afterAnswer(403)).toBe("sign_in");
    expect(afterAnswer(400)).toBe("refused");
    expect(afterAnswer(409)).toBe("refused");
  });

  it("makes keys the API accepts (16 to 64 of [A-Za-z0-9_-]) and never the same twice", () => {
    const keys = new Set(Array.from({ length: 1000 }, newKey));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
  });
});
