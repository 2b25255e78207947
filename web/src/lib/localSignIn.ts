// The local issuer's request (POST /v1/dev/tokens) from the local sign-in page. A citizen who
// types an Egyptian mobile signs in as that mobile, the way Cognito's verified `phone_number`
// identifies citizens in AWS: what a clerk entered at the counter for that mobile is theirs.
import type { DevTokenIn } from "../api/client";
import type { Session } from "./session";
import { normaliseDigits } from "./digits";

// 01x xxxx xxxx, or the same with +20 / 0020 in front; spaces and dashes as people type them.
const EGYPTIAN_MOBILE = /^(?:\+20|0020|20|0)1[0125]\d{8}$/;

export function looksLikeMobile(typed: string): boolean {
  return EGYPTIAN_MOBILE.test(normaliseDigits(typed).replace(/[\s-]/g, ""));
}

/** The request for `role`; staff may give the name Cognito's `name` carries (receipts and the
 * audit trail show it). */
export function tokenRequest(role: Session["role"], typed: string, district: string, name = ""): DevTokenIn {
  const sub = typed.trim() ? normaliseDigits(typed) : undefined;
  // Absent, not null, when not given (the API mints a subject; only staff have a district).
  const body: Record<string, string | undefined> = { role, sub,
    district: role === "officer" || role === "clerk" ? district : undefined };
  if (role === "citizen" && sub && looksLikeMobile(sub)) body.mobile = sub.replace(/[\s-]/g, "");
  if (role !== "citizen" && name.trim()) body.name = name.trim();
  return body as DevTokenIn;
}
