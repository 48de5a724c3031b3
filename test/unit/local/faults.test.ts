import { describe, expect, it, vi } from "vitest";
import { FaultSwitch, InjectedFault, parseFaultRules, seededRandom } from "../../../packages/local/src/faults.ts";

type Next = (args: unknown) => Promise<unknown>;
type Middleware = (next: Next, context: { commandName?: string }) => Next;

/** A client whose stack runs the one middleware around a counting handler. */
function fakeClient() {
  let middleware: Middleware = (next) => next;
  let calls = 0;
  const client = {
    middlewareStack: {
      add: (m: Middleware) => {
        middleware = m;
      },
    },
    send: (commandName: string) => middleware(async () => ++calls, { commandName })({}),
    get calls() {
      return calls;
    },
  };
  return client;
}

describe("the fault switch", () => {
  it("fails a named command every time by default, and nothing else", async () => {
    const faults = new FaultSwitch();
    const client = fakeClient();
    faults.attach("S3", client as never);
    faults.set(["S3:PutObject"]);
    await expect(client.send("PutObjectCommand")).rejects.toThrow(InjectedFault);
    await expect(client.send("GetObjectCommand")).resolves.toBe(1);
    expect(faults.stats.injected).toEqual({ "S3:PutObject": 1 });
  });

  it("fails about the given rate of calls", async () => {
    const faults = new FaultSwitch({ random: seededRandom(7) });
    const client = fakeClient();
    faults.attach("DynamoDB", client as never);
    faults.set(["DynamoDB:*@rate=0.2"]);
    const results = await Promise.allSettled(Array.from({ length: 2000 }, () => client.send("PutItemCommand")));
    const failed = results.filter((result) => result.status === "rejected").length;
    expect(failed / 2000).toBeGreaterThan(0.17);
    expect(failed / 2000).toBeLessThan(0.23);
  });

  it("repeats a fraction of successful calls, as a duplicate delivery", async () => {
    const faults = new FaultSwitch({ random: seededRandom(3) });
    const client = fakeClient();
    faults.attach("SQS", client as never);
    faults.set(["SQS:SendMessage@duplicate=0.5"]);
    for (let i = 0; i < 1000; i++) await client.send("SendMessageCommand");
    expect(client.calls - 1000).toBe(faults.stats.duplicated["SQS:SendMessage"]);
    expect(client.calls).toBeGreaterThan(1400);
    expect(client.calls).toBeLessThan(1600);
  });

  it("fails only inside an outage window", async () => {
    let now = 1_000_000;
    const faults = new FaultSwitch({ clock: () => now });
    const client = fakeClient();
    faults.attach("S3", client as never);
    faults.set(["S3:*@after=10;for=20"]);
    await expect(client.send("PutObjectCommand")).resolves.toBeDefined();
    now += 15_000;
    await expect(client.send("PutObjectCommand")).rejects.toThrow(InjectedFault);
    now += 20_000;
    await expect(client.send("PutObjectCommand")).resolves.toBeDefined();
  });

  it("holds a call back by the given latency, without failing it", async () => {
    vi.useFakeTimers();
    try {
      const faults = new FaultSwitch();
      const client = fakeClient();
      faults.attach("S3", client as never);
      faults.set(["S3:GetObject@latency=30"]);
      let settled = false;
      const call = client.send("GetObjectCommand").then((value) => {
        settled = true;
        return value;
      });
      await vi.advanceTimersByTimeAsync(29);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await expect(call).resolves.toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it.each(["S3", "Kafka:Put", "S3:PutObject@rate=2", "S3:PutObject@colour=1", "S3:PutObject@rate=-1"])(
    "refuses the malformed rule %j",
    (rule) => {
      expect(() => parseFaultRules(rule)).toThrow();
    },
  );

  it("tells its listeners the rules and when they were set, so that a mirror's windows line up", async () => {
    // Arrange
    let now = 1_000;
    const faults = new FaultSwitch({ clock: () => now });
    const seen: [string[], number][] = [];
    faults.onChange((rules, at) => seen.push([rules, at]));

    // Act
    faults.set(["S3:PutObject@after=10;for=5"]);
    now = 9_000;
    const mirror = new FaultSwitch({ clock: () => now, random: () => 0 });
    const client = fakeClient();
    mirror.attach("S3", client as never);
    mirror.set(faults.rules, faults.setAt);

    // Assert: the window runs from 11 s to 16 s on the original's clock, in the mirror too.
    expect(seen).toEqual([[["S3:PutObject@after=10;for=5"], 1_000]]);
    expect(faults.setAt).toBe(1_000);
    now = 10_999;
    await expect(client.send("PutObjectCommand")).resolves.toBe(1);
    now = 11_000;
    await expect(client.send("PutObjectCommand")).rejects.toBeInstanceOf(InjectedFault);
  });

  it("hands over what it injected once, and adds up what its mirrors report", async () => {
    // Arrange
    const worker = new FaultSwitch();
    const client = fakeClient();
    worker.attach("S3", client as never);
    worker.set(["S3:PutObject"]);
    await client.send("PutObjectCommand").catch(() => undefined);
    await client.send("PutObjectCommand").catch(() => undefined);
    const runtime = new FaultSwitch();

    // Act
    runtime.absorb(worker.takeStats());
    runtime.absorb(worker.takeStats());

    // Assert
    expect(runtime.stats).toEqual({ injected: { "S3:PutObject": 2 }, duplicated: {} });
    expect(worker.stats).toEqual({ injected: {}, duplicated: {} });
  });
});
