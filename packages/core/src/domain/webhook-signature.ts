import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The `Orders-Signature` header of a webhook delivery, after Stripe's:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The
 * timestamp is signed with the body, so a captured delivery cannot be
 * replayed outside the tolerance; several `v1` entries let a receiver accept
 * while a secret is being rotated.
 */

/** The tolerance a receiver should allow between `t` and its clock, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

function sign(secret: string, timestamp: number, rawBody: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${rawBody}`, "utf8").digest("hex");
}

/**
 * The `Orders-Signature` header for a body sent at `unixSeconds`: one `v1`
 * per secret, in the order given (the current secret first, then one being
 * rotated out; see webhook-rotation.ts).
 */
export function signatureHeader(secrets: string | readonly string[], rawBody: string, unixSeconds: number): string {
  const timestamp = Math.floor(unixSeconds);
  const signatures = (typeof secrets === "string" ? [secrets] : secrets).map(
    (secret) => `v1=${sign(secret, timestamp, rawBody)}`,
  );
  return [`t=${timestamp}`, ...signatures].join(",");
}

/**
 * Whether a header signs this raw body with this secret, at a time within
 * `toleranceSeconds` of `nowSeconds`. Compares in constant time; any of
 * several `v1` entries may match. A malformed header is simply not valid.
 */
export function verifySignature(
  header: string,
  rawBody: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (typeof header !== "string" || header.length > 4096) return false;
  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(",")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === "t") {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return false;
      timestamp = Number(value);
    } else if (key === "v1" && /^[0-9a-f]{64}$/i.test(value)) {
      candidates.push(Buffer.from(value, "hex"));
    }
  }
  if (timestamp === undefined || candidates.length === 0) return false;
  if (!Number.isFinite(nowSeconds) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(sign(secret, timestamp, rawBody), "hex");
  let matched = false;
  // Every candidate is compared, so the time taken says nothing of which matched.
  for (const candidate of candidates) matched = timingSafeEqual(candidate, expected) || matched;
  return matched;
}

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}
