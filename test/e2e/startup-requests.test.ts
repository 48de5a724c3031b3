import { type SpawnedSystem, spawnSystem } from "@orders/harness/local-system";
import { afterAll, describe, expect, it } from "vitest";

/** What became of one request sent while the system was starting. */
type Outcome =
  | { kind: "refused" }
  | { kind: "answered"; status: number; retryAfter: string | null; body: string }
  | { kind: "hung" }
  | { kind: "error"; message: string };

const PROBES_AFTER_READY = 10;
const GAP_MS = 15;
// A request the old runtime accepted during startup was never answered at all;
// a slow answer (a cold start on a busy shared machine) is not a hang.
const HANG_MS = 20_000;

async function probe(url: string): Promise<Outcome> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HANG_MS) });
    return {
      kind: "answered",
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body: await response.text(),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code === "ECONNREFUSED") return { kind: "refused" };
    if ((error as Error).name === "TimeoutError") return { kind: "hung" };
    return { kind: "error", message: String(error) };
  }
}

let system: SpawnedSystem | undefined;

afterAll(async () => {
  const child = system?.process;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    await exited;
  }
});

describe("requests sent while the local system starts", () => {
  it("each get an answer, 503 STARTING until it is ready, and none hangs", async () => {
    // Arrange: start the system and watch for its ready line.
    system = await spawnSystem();
    let output = "";
    let ready = false;
    system.process.stdout.on("data", (chunk) => {
      output += chunk;
      if (output.includes("running at")) ready = true;
    });
    system.process.stderr.on("data", (chunk) => {
      output += chunk;
    });

    // Act: a probe every 15 ms from the moment it is spawned until a few after it is ready.
    const probes: Promise<Outcome>[] = [];
    const deadline = Date.now() + 60_000;
    let afterReady = 0;
    while (afterReady < PROBES_AFTER_READY && Date.now() < deadline && system.process.exitCode === null) {
      if (ready) afterReady++;
      probes.push(probe(system.url));
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
    const outcomes = await Promise.all(probes);

    // Assert
    expect(ready, output).toBe(true);
    expect(outcomes.filter((o) => o.kind === "hung" || o.kind === "error")).toEqual([]);
    const answers = outcomes.filter((o) => o.kind === "answered");
    const starting = answers.filter((o) => o.status === 503 && o.body.includes('"STARTING"'));
    // The window between claiming the port and being ready was probed, and answered the documented way.
    expect(starting.length).toBeGreaterThan(0);
    for (const answer of starting) {
      expect(answer.retryAfter).toBe("1");
      expect(JSON.parse(answer.body)).toMatchObject({ error: "STARTING", message: expect.any(String) });
    }
    // Once ready, the real handler answers.
    const last = answers.at(-1);
    expect(last?.status).toBe(200);
    expect(JSON.parse(last?.body ?? "{}")).toMatchObject({ status: "ok" });
  });
});
