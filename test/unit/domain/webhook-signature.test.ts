import { createHmac } from "node:crypto";
import {
  newWebhookSecret,
  SIGNATURE_TOLERANCE_SECONDS,
  signatureHeader,
  verifySignature,
} from "@orders/core/domain/webhook-signature";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const secret = "whsec_test-secret";
const body = '{"eventId":"evt-1","type":"order.confirmed","orderId":"order-1"}';
const t = 1_767_225_600; // 2026-01-01T00:00:00Z

describe("signatureHeader", () => {
  it("is t=<seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'> (a known answer computed here)", () => {
    // Arrange
    const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    // Act
    const header = signatureHeader(secret, body, t);
    // Assert
    expect(header).toBe(`t=${t},v1=${expected}`);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it("matches a fixed vector", () => {
    expect(signatureHeader("key", "The quick brown fox jumps over the lazy dog", 0)).toBe(
      `t=0,v1=${createHmac("sha256", "key").update("0.The quick brown fox jumps over the lazy dog").digest("hex")}`,
    );
  });

  it("floors a fractional time", () => {
    expect(signatureHeader(secret, body, t + 0.9)).toBe(signatureHeader(secret, body, t));
  });
});

describe("verifySignature", () => {
  const header = signatureHeader(secret, body, t);

  it("accepts its own signature now, and up to the tolerance either way", () => {
    expect(verifySignature(header, body, secret, t)).toBe(true);
    expect(verifySignature(header, body, secret, t + SIGNATURE_TOLERANCE_SECONDS)).toBe(true);
    expect(verifySignature(header, body, secret, t - SIGNATURE_TOLERANCE_SECONDS)).toBe(true);
    expect(SIGNATURE_TOLERANCE_SECONDS).toBe(300);
  });

  it("rejects outside the tolerance, and honours a custom one", () => {
    expect(verifySignature(header, body, secret, t + 301)).toBe(false);
    expect(verifySignature(header, body, secret, t - 301)).toBe(false);
    expect(verifySignature(header, body, secret, t + 301, 600)).toBe(true);
    expect(verifySignature(header, body, secret, t + 11, 10)).toBe(false);
  });

  it("rejects another body, another secret, or a timestamp changed after signing", () => {
    expect(verifySignature(header, `${body} `, secret, t)).toBe(false);
    expect(verifySignature(header, body, "whsec_other", t)).toBe(false);
    expect(verifySignature(header.replace(`t=${t}`, `t=${t + 1}`), body, secret, t)).toBe(false);
  });

  it("accepts when any of several v1 entries matches (a secret being rotated), in any order", () => {
    const old = signatureHeader("whsec_old", body, t).split(",")[1];
    const current = header.split(",")[1];
    expect(verifySignature(`t=${t},${old},${current}`, body, secret, t)).toBe(true);
    expect(verifySignature(`${current}, t=${t}, ${old}`, body, secret, t)).toBe(true);
    expect(verifySignature(`t=${t},${old}`, body, secret, t)).toBe(false);
  });

  it("ignores schemes it does not know, and upper-case hex is the same signature", () => {
    const v1 = header.split(",")[1] as string;
    expect(verifySignature(`t=${t},v0=abc,${v1}`, body, secret, t)).toBe(true);
    expect(verifySignature(`t=${t},${v1.toUpperCase().replace("V1", "v1")}`, body, secret, t)).toBe(true);
  });

  it.each([
    "",
    "garbage",
    `t=${t}`,
    "v1=00",
    `t=${t},v1=`,
    `t=${t},v1=${"0".repeat(64)}`,
    `t=${t},v1=${"z".repeat(64)}`,
    `t=abc,${"v1=".padEnd(67, "0")}`,
    `t=${t},t=${t},v1=${"0".repeat(64)}`,
    `t=-${t},v1=${"0".repeat(64)}`,
  ])("rejects the malformed header %j", (bad) => {
    expect(verifySignature(bad, body, secret, t)).toBe(false);
  });

  it("round-trips for any secret, body and time, and a changed body never verifies", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        fc.integer({ min: -300, max: 300 }),
        (key, payload, extra, time, skew) => {
          const signed = signatureHeader(key, payload, time);
          expect(verifySignature(signed, payload, key, time + skew)).toBe(true);
          expect(verifySignature(signed, payload + extra, key, time)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never throws on any header", () => {
    fc.assert(
      fc.property(fc.string(), (anything) => {
        expect(typeof verifySignature(anything, body, secret, t)).toBe("boolean");
      }),
    );
  });
});

describe("newWebhookSecret", () => {
  it("is whsec_ and 32 random bytes in base64url, new each time", () => {
    const secrets = new Set(Array.from({ length: 100 }, () => newWebhookSecret()));
    expect(secrets.size).toBe(100);
    for (const value of secrets) {
      expect(value).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(value.slice(6), "base64url")).toHaveLength(32);
    }
  });
});
