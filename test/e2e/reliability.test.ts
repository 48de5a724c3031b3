import { describe, expect, it } from "vitest";
import { concurrentSameId, killAndRestart, poison, randomErrors, s3Outage } from "../reliability/scenarios.ts";

// The same scenarios `npm run test:reliability` runs at 10,000 orders, small
// enough for every test run. The invariants are the point: nothing lost, nothing doubled.
describe("reliability scenarios", () => {
  it("loses and doubles nothing under 20% DynamoDB and S3 errors and 5% duplicate sends", async () => {
    const figures = await randomErrors(60);
    expect(figures).toMatchObject({ accepted: 60, recorded: 60, lost: 0, doubled: 0 });
  });

  it("parks orders in the DLQ during an S3 outage and records each once after redrive", async () => {
    const figures = await s3Outage(45);
    expect(figures.inDlq).toBeGreaterThan(0);
    expect(figures.redriven).toBe(figures.inDlq);
    expect(figures).toMatchObject({ accepted: 45, recorded: 45, lost: 0, doubled: 0 });
  });

  it("recovers from a SIGKILL mid-batch on the same data directory", async () => {
    const figures = await killAndRestart(60);
    expect(figures).toMatchObject({ accepted: 60, recorded: 60, lost: 0, doubled: 0 });
  });

  it("makes exactly one original of 50 concurrent POSTs of one id", async () => {
    const figures = await concurrentSameId(50);
    expect(figures).toMatchObject({ accepted: 50, recorded: 50, lost: 0, doubled: 0 });
  });

  it("sends poison messages to the DLQ with their reason while their batch-mates succeed", async () => {
    const figures = await poison(30);
    expect(figures.inDlq).toBe(3);
    expect(figures).toMatchObject({ recorded: 27, lost: 0, doubled: 0 });
  });
});
