// The signed status list (docs/status-list.md): a JWS (ES256) over a binary list of every
// licence that is not simply active, verified with the same JWK Set as the seals.
import { base64urlDecode, type JwkSet, verifyEs256 } from "./crypto";
import { DISTRICT_CODES } from "./sealCodes";

export const JWS_TYPE = "rukhsa-status-list+jws";
const STATUS_NAMES = ["expired", "suspended", "revoked", "superseded"] as const;
export type ListedStatus = (typeof STATUS_NAMES)[number];

export interface StatusList {
  issuedAt: Date;
  validUntil: Date;
  statuses: Map<string, ListedStatus>;
}

export type StatusListResult =
  | { ok: true; list: StatusList }
  | { ok: false; reason: "malformed" | "unsupported_version" | "unknown_key" | "bad_signature" };

function decodePayload(bytes: Uint8Array): StatusList | "malformed" | "unsupported_version" {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 15) return "malformed";
  if (bytes[0] !== 1) return "unsupported_version";
  const issued = view.getUint32(1);
  const until = view.getUint32(5);
  const count = view.getUint32(9);
  const groups = view.getUint16(13);
  const statuses = new Map<string, ListedStatus>();
  let offset = 15;
  for (let g = 0; g < groups; g++) {
    if (offset + 7 > bytes.length) return "malformed";
    const district = DISTRICT_CODES[bytes[offset]];
    const year = view.getUint16(offset + 1);
    const entries = view.getUint32(offset + 3);
    offset += 7;
    if (district === undefined) return "malformed";
    const prefix = `ALX-${district}-${String(year).padStart(4, "0")}-`;
    let sequence = 0;
    for (let e = 0; e < entries; e++) {
      let value = 0;
      let scale = 1;
      for (let n = 0; ; n++) {
        if (offset >= bytes.length || n > 4) return "malformed";
        const byte = bytes[offset++];
        value += (byte & 0x7f) * scale; // arithmetic, not <<: a 5-byte varint exceeds 32 bits
        scale *= 128;
        if (byte < 0x80) break;
      }
      sequence += Math.floor(value / 4);
      statuses.set(prefix + String(sequence).padStart(6, "0"), STATUS_NAMES[value % 4]);
    }
  }
  if (offset !== bytes.length || statuses.size !== count) return "malformed";
  return { issuedAt: new Date(issued * 1000), validUntil: new Date(until * 1000), statuses };
}

export async function verifyStatusList(text: string, keys: JwkSet): Promise<StatusListResult> {
  const parts = text.trim().split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  let header: { alg?: string; typ?: string; kid?: string };
  let payload: Uint8Array;
  let signature: Uint8Array;
  try {
    header = JSON.parse(new TextDecoder().decode(base64urlDecode(parts[0])));
    payload = base64urlDecode(parts[1]);
    signature = base64urlDecode(parts[2]);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (header.alg !== "ES256" || header.typ !== JWS_TYPE || typeof header.kid !== "string") {
    return { ok: false, reason: "malformed" };
  }
  const signed = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
  const check = await verifyEs256(keys, header.kid, signed, signature, false);
  if (check !== "ok") return { ok: false, reason: check };
  const list = decodePayload(payload);
  return typeof list === "string" ? { ok: false, reason: list } : { ok: true, list };
}
