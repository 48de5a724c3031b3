import { broken } from "@orders/harness/reliability/harness";
import {
  cancelRaces,
  concurrentSameId,
  killAndRestart,
  notifierCrash,
  poison,
  randomErrors,
  repeatedKills,
  s3Outage,
  webhookOutage,
} from "@orders/harness/reliability/scenarios";
import { describe, expect, it } from "vitest";

// The same scenarios `npm run test:reliability` runs at scale, small enough for
// every test run. The invariants are the point: nothing lost or doubled, every
// valid original terminal, no unit oversold, no cent created or destroyed,
// nothing left reserved or held, and stock and balances moved exactly as the
// confirmed orders say; and, where cancellations race the sagas, every order's
// end agrees with what its cancellations were answered; and every event the orders'
// ends imply reaches the payers' webhook, even when the Notifier is killed.
// Each scenario starts its own system, and the ones that go through the DLQ wait out
// its backoff (1, 2, 4 s): a limit for a shared, loaded machine, not a speed goal.
const LIMIT = 300_000;
const INVARIANTS = { lost: 0, doubled: 0, notTerminal: 0, oversold: 0, moneyDelta: 0, heldUnits: 0, heldCents: 0 };
/** What a scenario's figures must show when every one of its `orders` is accepted and recorded, effects and all. */
const allOf = (orders: number, more: Record<string, number> = {}) => ({
  accepted: orders,
  recorded: orders,
  effectDrift: 0,
  ...INVARIANTS,
  ...more,
});
/** Every event the orders imply reached the payers' webhook. */
const DELIVERED = { notificationsLost: 0, notificationsNotDelivered: 0 };

describe("reliability scenarios, with items and accounts", () => {
  it(
    "loses and doubles nothing, and moves stock and money once, under 20% DynamoDB and S3 errors and 5% duplicate sends",
    async () => {
      const figures = await randomErrors(40);
      expect(figures).toMatchObject(allOf(40));
      expect(figures.confirmed).toBeGreaterThan(0);
      expect(figures.failed).toBeGreaterThan(0);
      expect(broken(figures)).toEqual([]);
    },
    LIMIT,
  );

  it(
    "parks orders in the DLQ during an S3 outage and fulfils each once after redrive",
    async () => {
      const figures = await s3Outage(30);
      expect(figures.inDlq).toBeGreaterThan(0);
      expect(figures.redriven).toBe(figures.inDlq);
      expect(figures).toMatchObject(allOf(30));
    },
    LIMIT,
  );

  it(
    "recovers from a SIGKILL mid-batch on the same data directory",
    async () => {
      const figures = await killAndRestart(40);
      expect(figures).toMatchObject(allOf(40));
    },
    LIMIT,
  );

  it(
    "finishes every saga after three SIGKILLs mid-saga, with nothing left reserved or held",
    async () => {
      const figures = await repeatedKills(30, 3);
      expect(figures, figures.notes).toMatchObject(allOf(30));
    },
    2 * LIMIT,
  );

  it(
    "makes exactly one original, and runs one saga, of 50 concurrent POSTs of one id",
    async () => {
      const figures = await concurrentSameId(50);
      expect(figures).toMatchObject(allOf(50));
    },
    LIMIT,
  );

  it(
    "sends poison messages to the DLQ with their reason while their batch-mates are fulfilled",
    async () => {
      const figures = await poison(30);
      expect(figures.inDlq).toBe(3);
      expect(figures).toMatchObject({ recorded: 27, effectDrift: 0, ...INVARIANTS });
    },
    LIMIT,
  );

  it(
    "ends every order a cancellation was accepted for CANCELLED, refunded once if it was paid, with cancels racing sagas under 5% faults",
    async () => {
      const figures = await cancelRaces(30);
      expect(figures, figures.notes).toMatchObject(allOf(30, { cancelMismatches: 0 }));
      // The race happened: cancellations were accepted, and some orders ended CANCELLED.
      expect(figures.cancels?.answered202).toBeGreaterThan(0);
      expect(figures.cancelled).toBeGreaterThan(0);
      expect(figures.cancels?.cancelled).toBe(figures.cancelled);
      expect(broken(figures)).toEqual([]);
    },
    LIMIT,
  );

  it(
    "delivers every event the orders imply to the payers' webhook when the Notifier is killed mid-delivery, under 10% SNS and webhook failures",
    async () => {
      const figures = await notifierCrash(30, 1);
      expect(figures, figures.notes).toMatchObject(allOf(30, DELIVERED));
      expect(broken(figures)).toEqual([]);
    },
    LIMIT,
  );

  it(
    "delivers every event once when every payer's webhook is down for 30 s, its circuit holding the events meanwhile",
    async () => {
      const figures = await webhookOutage(30, 30);
      expect(figures, figures.notes).toMatchObject(allOf(30, { ...DELIVERED, notificationsSentTwice: 0 }));
      // Each of the twelve payers has its own circuit (2–3 events each here, so the first failures and each circuit's
      // probes are most of the POSTs); the retries alone would send three or four an event in 30 s (4, 8, 16 s apart).
      // test/e2e/webhook-circuit.test.ts bounds the POSTs of one endpoint's circuit closely.
      expect(figures.webhookPostsWhileDown, figures.notes).toBeLessThan(30 * 3);
      expect(broken(figures)).toEqual([]);
    },
    LIMIT,
  );
});
