import { AccountNotFoundError, InvalidInputError, UnsafeWebhookUrlError } from "@orders/core/domain/errors";
import { signatureHeader, verifySignature } from "@orders/core/domain/webhook-signature";
import { getAccount } from "@orders/core/use-cases/accounts/get-account";
import { setWebhook } from "@orders/core/use-cases/accounts/set-webhook";
import { describe, expect, it } from "vitest";
import { InMemoryWebhookRegistry } from "../../helpers/fakes.ts";
import { InMemoryAccountLedger } from "../../helpers/ledger-fakes.ts";

const ACCOUNT = "1111111";
const at = new Date("2026-03-01T12:00:00.000Z");

function setup(policy = { allowLoopbackHttp: false }) {
  const accounts = new InMemoryAccountLedger().fund(ACCOUNT, 0);
  const webhooks = new InMemoryWebhookRegistry();
  let n = 0;
  const deps = { accounts, webhooks, policy, clock: { now: () => at }, newSecret: () => `whsec_test-${++n}` };
  return { accounts, webhooks, deps };
}

describe("setWebhook", () => {
  it("saves the normalised URL with a new secret and its time, and returns the URL and secret", async () => {
    // Arrange
    const { webhooks, deps } = setup();
    // Act
    const result = await setWebhook(ACCOUNT, "HTTPS://Hooks.Example.com/orders", deps);
    // Assert
    expect(result).toEqual({ url: "https://hooks.example.com/orders", secret: "whsec_test-1" });
    expect(webhooks.webhooks.get(ACCOUNT)).toEqual({
      url: "https://hooks.example.com/orders",
      secret: "whsec_test-1",
      updatedAt: at.toISOString(),
    });
  });

  it("rotates the secret when set again, keeping the old one valid for the overlap window", async () => {
    // Arrange
    const { webhooks, deps } = setup();
    await setWebhook(ACCOUNT, "https://hooks.example.com/orders", deps);
    // Act
    const again = await setWebhook(ACCOUNT, "https://hooks.example.com/v2", deps);
    // Assert
    expect(again).toEqual({
      url: "https://hooks.example.com/v2",
      secret: "whsec_test-2",
      previousSecretValidUntil: "2026-03-02T12:00:00.000Z",
    });
    expect(webhooks.webhooks.get(ACCOUNT)).toEqual({
      url: "https://hooks.example.com/v2",
      secret: "whsec_test-2",
      updatedAt: at.toISOString(),
      previous: { secret: "whsec_test-1", until: "2026-03-02T12:00:00.000Z" },
    });
  });

  it("revokes the old secret at once when asked (a leaked secret)", async () => {
    const { webhooks, deps } = setup();
    await setWebhook(ACCOUNT, "https://hooks.example.com/orders", deps);
    const again = await setWebhook(ACCOUNT, "https://hooks.example.com/orders", deps, { revokePrevious: true });
    expect(again).toEqual({ url: "https://hooks.example.com/orders", secret: "whsec_test-2" });
    expect(webhooks.webhooks.get(ACCOUNT)).not.toHaveProperty("previous");
  });

  it("serialises two rotations at once: each answered secret is the current or the previous one afterwards", async () => {
    // Arrange: both requests read the same webhook before either saves.
    const { webhooks, deps } = setup();
    await setWebhook(ACCOUNT, "https://hooks.example.com/orders", deps);
    const gate = webhooks.holdFinds(2);
    // Act
    const both = Promise.all([
      setWebhook(ACCOUNT, "https://hooks.example.com/orders", deps),
      setWebhook(ACCOUNT, "https://hooks.example.com/orders", deps),
    ]);
    await gate;
    const answered = (await both).map(({ secret }) => secret).sort();
    // Assert
    const stored = webhooks.webhooks.get(ACCOUNT);
    expect([stored?.secret, stored?.previous?.secret].sort()).toEqual(answered);
  });

  it("makes a real secret by default, one that signs and verifies", async () => {
    const { deps } = setup();
    const { newSecret: _, ...withoutSecret } = deps;
    const { secret } = await setWebhook(ACCOUNT, "https://hooks.example.com/orders", withoutSecret);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(verifySignature(signatureHeader(secret, "{}", 100), "{}", secret, 100)).toBe(true);
  });

  it("refuses an unsafe URL with UnsafeWebhookUrlError and its reason, saving nothing", async () => {
    const { webhooks, deps } = setup();
    const error = await setWebhook(ACCOUNT, "https://169.254.169.254/latest", deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeWebhookUrlError);
    expect(error).toMatchObject({
      code: "UNSAFE_WEBHOOK_URL",
      details: [{ field: "url", code: "UNSAFE_WEBHOOK_URL", message: expect.stringContaining("address") }],
    });
    expect(webhooks.webhooks.size).toBe(0);
  });

  it("follows the policy: loopback http only where it is allowed", async () => {
    await expect(setWebhook(ACCOUNT, "http://127.0.0.1:9000/hook", setup().deps)).rejects.toThrow(
      UnsafeWebhookUrlError,
    );
    const { deps } = setup({ allowLoopbackHttp: true });
    await expect(setWebhook(ACCOUNT, "http://127.0.0.1:9000/hook", deps)).resolves.toMatchObject({
      url: "http://127.0.0.1:9000/hook",
    });
  });

  it("throws AccountNotFoundError for an account never opened, saving nothing", async () => {
    const { webhooks, deps } = setup();
    await expect(setWebhook("9999999", "https://hooks.example.com/orders", deps)).rejects.toThrow(AccountNotFoundError);
    expect(webhooks.webhooks.size).toBe(0);
  });

  it("throws InvalidInputError for a malformed account id", async () => {
    const { deps } = setup();
    await expect(setWebhook("12", "https://hooks.example.com/orders", deps)).rejects.toThrow(InvalidInputError);
  });
});

describe("getAccount with a webhook", () => {
  it("shows the webhook's URL and time, never its secret", async () => {
    const { accounts, webhooks, deps } = setup();
    await setWebhook(ACCOUNT, "https://hooks.example.com/orders", deps);
    const view = await getAccount(ACCOUNT, { accounts, webhooks });
    expect(view.webhook).toEqual({ url: "https://hooks.example.com/orders", updatedAt: at.toISOString() });
    expect(JSON.stringify(view)).not.toContain("whsec_");
  });

  it("shows no webhook when none is set", async () => {
    const { accounts, webhooks } = setup();
    expect(await getAccount(ACCOUNT, { accounts, webhooks })).not.toHaveProperty("webhook");
  });
});
