// Offline verification primitives over WebCrypto: ES256 with the published JWK Set.
export interface Jwk { kty: string; crv: string; x: string; y: string; kid: string; alg?: string; use?: string }
export interface JwkSet { keys: Jwk[] }

const P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551n;

export function base64urlDecode(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function bigEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

const imported = new Map<string, Promise<CryptoKey>>();

function publicKey(jwk: Jwk): Promise<CryptoKey> {
  const cacheKey = `${jwk.kid}:${jwk.x}:${jwk.y}`;
  let key = imported.get(cacheKey);
  if (!key) {
    key = crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y, ext: true },
      { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
    imported.set(cacheKey, key);
  }
  return key;
}

export type SignatureCheck = "ok" | "unknown_key" | "bad_signature";

/** ES256 over `message` with the key `kid` of the set; `signature` is raw r || s (64 bytes).
 *  High-S signatures are refused, as the Python verifier does (one spelling per seal). */
export async function verifyEs256(keys: JwkSet, kid: string, message: Uint8Array,
  signature: Uint8Array, lowSOnly: boolean): Promise<SignatureCheck> {
  const jwk = keys.keys.find((k) => k.kid === kid && k.kty === "EC" && k.crv === "P-256");
  if (!jwk) return "unknown_key";
  if (signature.length !== 64) return "bad_signature";
  const r = bigEndian(signature.subarray(0, 32));
  const s = bigEndian(signature.subarray(32));
  if (!(r > 0n && r < P256_ORDER && s > 0n && (lowSOnly ? s <= P256_ORDER / 2n : s < P256_ORDER))) {
    return "bad_signature";
  }
  try {
    const ok = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, await publicKey(jwk),
      signature as BufferSource, message as BufferSource);
    return ok ? "ok" : "bad_signature";
  } catch {
    return "bad_signature";
  }
}
