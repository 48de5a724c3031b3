import { rotateWebhook, SECRET_OVERLAP_SECONDS, signingSecrets } from "@orders/core/domain/webhook-rotation";
import { signatureHeader, verifySignature } from "@orders/core/domain/webhook-signature";
import type { Webhook } from "@orders/core/ports";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/** #16: rotating a webhook secret was immediate, so a receiver still on the old one rejected every delivery. */

const at = new Date("2026-03-01T12:00:00.000Z");
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000);
const current: Webhook = {
  url: "https://hooks.example.com/a",
  secret: "whsec_old",
  updatedAt: "2026-02-01T00:00:00.000Z",
};

describe("rotateWebhook", () => {
  it("keeps the replaced secret for the overlap window, stating until when", () => {
    // Act
    const next = rotateWebhook(current, { url: "https://hooks.example.com/b", secret: "whsec_new", at });
    // Assert
    expect(SECRET_OVERLAP_SECONDS).toBe(24 * 60 * 60);
    expect(next).toEqual({
      url: "https://hooks.example.com/b",
      secret: "whsec_new",
      updatedAt: at.toISOString(),
      previous: { secret: "whsec_old", until: later(SECRET_OVERLAP_SECONDS).toISOString() },
    });
  });

  it("has no previous secret for a first webhook, or when asked to revoke the old one at once", () => {
    expect(rotateWebhook(undefined, { url: current.url, secret: "whsec_new", at })).not.toHaveProperty("previous");
    expect(
      rotateWebhook(current, { url: current.url, secret: "whsec_new", at, revokePrevious: true }),
    ).not.toHaveProperty("previous");
  });

  it("keeps one previous secret only: rotating twice in the window drops the oldest", () => {
    // Arrange
    const once = rotateWebhook(current, { url: current.url, secret: "whsec_mid", at });
    // Act
    const twice = rotateWebhook(once, { url: current.url, secret: "whsec_new", at: later(60) });
    // Assert
    expect(twice.previous).toEqual({ secret: "whsec_mid", until: later(60 + SECRET_OVERLAP_SECONDS).toISOString() });
    expect(JSON.stringify(twice)).not.toContain("whsec_old");
  });
});

describe("signingSecrets", () => {
  const rotated = rotateWebhook(current, { url: current.url, secret: "whsec_new", at });

  it("is the new secret first, then the previous one until its window ends, then the new one alone", () => {
    expect(signingSecrets(rotated, at)).toEqual(["whsec_new", "whsec_old"]);
    expect(signingSecrets(rotated, later(SECRET_OVERLAP_SECONDS - 1))).toEqual(["whsec_new", "whsec_old"]);
    expect(signingSecrets(rotated, later(SECRET_OVERLAP_SECONDS))).toEqual(["whsec_new"]);
    expect(signingSecrets(current, at)).toEqual(["whsec_old"]);
  });

  it("signs so that a receiver on either secret verifies during the window, and only on the new one after", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * SECRET_OVERLAP_SECONDS }), fc.string(), (offset, body) => {
        // Arrange
        const now = later(offset);
        const seconds = Math.floor(now.getTime() / 1000);
        // Act
        const header = signatureHeader(signingSecrets(rotated, now), body, seconds);
        // Assert
        expect(verifySignature(header, body, "whsec_new", seconds)).toBe(true);
        expect(verifySignature(header, body, "whsec_old", seconds)).toBe(offset < SECRET_OVERLAP_SECONDS);
        expect(verifySignature(header, body, "whsec_other", seconds)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("signatureHeader with several secrets", () => {
  it("is one t and one v1 per secret, in the order given (Stripe's form during a roll)", () => {
    // Act
    const header = signatureHeader(["whsec_new", "whsec_old"], "{}", 100);
    // Assert
    expect(header).toBe(
      `${signatureHeader("whsec_new", "{}", 100)},v1=${signatureHeader("whsec_old", "{}", 100).split("v1=")[1]}`,
    );
    expect(header).toMatch(/^t=100,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  });
});
