import { describe, expect, it } from "vitest";
import type { Application, Service } from "../api/client";
import { documentsBeforePayment, issuedOnPayment } from "./services";

const renewal = { review_required: false } as Service;
const firstTime = { review_required: true } as Service;
const submitted = (missing: string[]) => ({ status: "submitted", documents_missing: missing }) as unknown as Application;

describe("a payment that approves the application at once", () => {
  it("is a service without review at its submission fees", () => {
    expect(issuedOnPayment(submitted([]), renewal)).toBe(true);
    expect(issuedOnPayment(submitted([]), firstTime)).toBe(false);
    expect(issuedOnPayment({ status: "approved" } as Application, renewal)).toBe(false);
    expect(issuedOnPayment(submitted([]), undefined)).toBe(false); // catalogue not loaded yet
  });

  it("waits for the documents the file store does not hold yet", () => {
    expect(documentsBeforePayment(submitted(["national_id"]), renewal)).toBe(true);
    expect(documentsBeforePayment(submitted([]), renewal)).toBe(false);
    expect(documentsBeforePayment(submitted(["national_id"]), firstTime)).toBe(false);
  });
});
