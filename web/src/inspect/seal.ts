// The licence seal (docs/seal-token.md), decoded and verified exactly as chalicelib/domain/seal.py
// does: base32 text of 26 payload bytes + 64 signature bytes, ES256 over the payload.
import { type JwkSet, type SignatureCheck, verifyEs256 } from "./crypto";
import { DISTRICT_CODES, KIND_CODES } from "./sealCodes";

export const TOKEN_CHARS = 144;
const PAYLOAD_BYTES = 26;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const DAY_MS = 86_400_000;

export interface SealClaims {
  number: string;
  kind: string;
  district: string;
  lat: number;
  lng: number;
  validFrom: string; // YYYY-MM-DD, a Cairo business date
  validUntil: string;
  kid: string;
}

export type SealResult =
  | { ok: true; claims: SealClaims }
  | { ok: false; reason: "malformed" | "unsupported_version" | "unknown_code" | SignatureCheck };

/** The token inside whatever was typed or scanned: a verify URL (`…/v/TOKEN`), or the token. */
export function tokenFrom(input: string): string {
  const text = input.trim();
  const match = text.match(/\/[vV]\/([A-Za-z2-7]+)\/?(?:[?#].*)?$/);
  return (match ? match[1] : text).toUpperCase();
}

function base32Decode(text: string): Uint8Array | null {
  if (text.length !== TOKEN_CHARS || !/^[A-Z2-7]+$/.test(text)) return null;
  const out = new Uint8Array((text.length * 5) / 8);
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    buffer = (buffer << 5) | BASE32.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[index++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

const isoDay = (days: number) => new Date(days * DAY_MS).toISOString().slice(0, 10);

export function parseSeal(token: string): SealResult & { payload?: Uint8Array; signature?: Uint8Array } {
  const raw = base32Decode(token);
  if (!raw) return { ok: false, reason: "malformed" };
  const view = new DataView(raw.buffer);
  if (raw[0] !== 1) return { ok: false, reason: "unsupported_version" };
  if (raw[25] !== 0) return { ok: false, reason: "malformed" };
  const district = DISTRICT_CODES[raw[5]];
  const kind = KIND_CODES[raw[12]];
  if (district === undefined || kind === undefined) return { ok: false, reason: "unknown_code" };
  const year = view.getUint16(6);
  const sequence = view.getUint32(8);
  const lat = view.getInt32(13);
  const lng = view.getInt32(17);
  const from = view.getUint16(21);
  const until = view.getUint16(23);
  if (year < 1000 || year > 9999 || from > until || Math.abs(lat) > 9_000_000 || Math.abs(lng) > 18_000_000) {
    return { ok: false, reason: "malformed" };
  }
  const kid = Array.from(raw.subarray(1, 5), (b) => b.toString(16).padStart(2, "0")).join("");
  return {
    ok: true,
    claims: {
      number: `ALX-${district}-${String(year).padStart(4, "0")}-${String(sequence).padStart(6, "0")}`,
      kind, district, lat: lat / 100_000, lng: lng / 100_000,
      validFrom: isoDay(from), validUntil: isoDay(until), kid,
    },
    payload: raw.subarray(0, PAYLOAD_BYTES),
    signature: raw.subarray(PAYLOAD_BYTES),
  };
}

export async function verifySeal(input: string, keys: JwkSet): Promise<SealResult> {
  const parsed = parseSeal(tokenFrom(input));
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const check = await verifyEs256(keys, parsed.claims.kid, parsed.payload!, parsed.signature!, true);
  return check === "ok" ? { ok: true, claims: parsed.claims } : { ok: false, reason: check };
}
