import { AccountNotFoundError, InvalidInputError, WebhookNotFoundError } from "@orders/core/domain/errors";
import { getWebhook } from "@orders/core/use-cases/accounts/get-webhook";
import { setWebhook } from "@orders/core/use-cases/accounts/set-webhook";
import { describe, expect, it } from "vitest";
import { InMemoryWebhookRegistry } from "../../helpers/fakes.ts";
import { InMemoryAccountLedger } from "../../helpers/ledger-fakes.ts";
import { InMemoryWebhookCircuits } from "../../helpers/notification-fakes.ts";

const ACCOUNT = "1111111";

function setup() {
  let now = new Date("2026-03-01T12:00:00.000Z");
  const clock = { now: () => now };
  const accounts = new InMemoryAccountLedger().fund(ACCOUNT, 0);
  const webhooks = new InMemoryWebhookRegistry();
  const circuits = new InMemoryWebhookCircuits();
  let n = 0;
  const set = (url: string, revokePrevious = false) =>
    setWebhook(
      ACCOUNT,
      url,
      { accounts, webhooks, clock, policy: { allowLoopbackHttp: false }, newSecret: () => `whsec_secret-${++n}` },
      { revokePrevious },
    );
  return {
    deps: { accounts, webhooks, clock, circuits },
    circuits,
    set,
    advanceHours: (hours: number) => (now = new Date(now.getTime() + hours * 3_600_000)),
  };
}

describe("getWebhook", () => {
  it("shows the endpoint and when it was set, never a secret", async () => {
    // Arrange
    const { deps, set } = setup();
    await set("https://hooks.example.com/orders");
    // Act
    const view = await getWebhook(ACCOUNT, deps);
    // Assert
    expect(view).toEqual({
      accountId: ACCOUNT,
      url: "https://hooks.example.com/orders",
      updatedAt: "2026-03-01T12:00:00.000Z",
      circuit: { state: "CLOSED", consecutiveFailures: 0 },
    });
    expect(JSON.stringify(view)).not.toContain("whsec_");
  });

  it("says until when a rotated-out secret still signs, and stops saying it once that has passed", async () => {
    // Arrange
    const { deps, set, advanceHours } = setup();
    await set("https://hooks.example.com/orders");
    advanceHours(1);
    await set("https://hooks.example.com/v2");
    // Act
    const during = await getWebhook(ACCOUNT, deps);
    advanceHours(24);
    const after = await getWebhook(ACCOUNT, deps);
    // Assert
    expect(during).toEqual({
      accountId: ACCOUNT,
      url: "https://hooks.example.com/v2",
      updatedAt: "2026-03-01T13:00:00.000Z",
      previousSecretUntil: "2026-03-02T13:00:00.000Z",
      circuit: { state: "CLOSED", consecutiveFailures: 0 },
    });
    expect(after).not.toHaveProperty("previousSecretUntil");
    expect(JSON.stringify([during, after])).not.toContain("whsec_");
  });

  it("names no overlap after a rotation that revoked the old secret", async () => {
    // Arrange
    const { deps, set } = setup();
    await set("https://hooks.example.com/orders");
    await set("https://hooks.example.com/orders", true);
    // Act
    const view = await getWebhook(ACCOUNT, deps);
    // Assert
    expect(view).not.toHaveProperty("previousSecretUntil");
  });

  it("tells a missing account from an account with no webhook, and refuses a malformed id", async () => {
    // Arrange
    const { deps } = setup();
    // Act / Assert
    await expect(getWebhook(ACCOUNT, deps)).rejects.toBeInstanceOf(WebhookNotFoundError);
    await expect(getWebhook("9999999", deps)).rejects.toBeInstanceOf(AccountNotFoundError);
    await expect(getWebhook("../1111111", deps)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("shows the endpoint's circuit as the Notifier left it, and a closed one for a URL set since", async () => {
    // Arrange
    const { deps, set, circuits } = setup();
    await set("https://hooks.example.com/orders");
    circuits.circuits.set(InMemoryWebhookCircuits.key(ACCOUNT, "https://hooks.example.com/orders"), {
      url: "https://hooks.example.com/orders",
      state: "OPEN",
      consecutiveFailures: 5,
      opens: 1,
      openedAt: "2026-03-01T12:00:00.000Z",
      probeAt: "2026-03-01T12:00:30.000Z",
      updatedAt: "2026-03-01T12:00:00.000Z",
      version: 5,
    });
    // Act
    const open = await getWebhook(ACCOUNT, deps);
    await set("https://hooks.example.com/fixed");
    const moved = await getWebhook(ACCOUNT, deps);
    // Assert
    expect(open.circuit).toEqual({
      state: "OPEN",
      consecutiveFailures: 5,
      openedAt: "2026-03-01T12:00:00.000Z",
      probeAt: "2026-03-01T12:00:30.000Z",
    });
    expect(moved.circuit).toEqual({ state: "CLOSED", consecutiveFailures: 0 });
  });
});
