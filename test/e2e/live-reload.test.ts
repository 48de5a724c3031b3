import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RouteSpec } from "@orders/infra/manifest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLOOD_RATE_LIMIT } from "../../packages/local/src/rate-limit.ts";
import { type LocalSystem, startLocalSystem } from "../../packages/local/src/runtime.ts";

// The fixture lives in the repository, as a handler does, and is deleted afterwards.
const root = join(import.meta.dirname, "../..");
const dir = `test/unit/local/fixtures/tmp-${randomUUID().slice(0, 8)}`;
const route = (path: string, file: string): RouteSpec => ({
  method: "GET",
  access: "public",
  path,
  handler: `${dir}/${file}.handler`,
  links: [],
  timeoutSeconds: 10,
  memoryMb: 256,
});

/** The module the handler imports: a change to it, not to the handler, must reload the route. */
function writeVersion(version: string, extra = ""): void {
  writeFileSync(join(root, dir, "version.ts"), `export const version = ${JSON.stringify(version)};\n${extra}`);
}

/** A handler that answers its version a little later, so that requests overlap across workers. */
const HANDLER = `import { threadId } from "node:worker_threads";
import { version } from "./version.ts";

export async function handler() {
  await new Promise((resolve) => setTimeout(resolve, 15));
  return { statusCode: 200, body: JSON.stringify({ version, threadId }) };
}
`;
const OTHER = `export async function handler() {
  return { statusCode: 200, body: "unrelated" };
}
`;

let system: LocalSystem;
const lines: string[] = [];

async function versionNow(): Promise<{ version: string; threadId: number }> {
  const response = await fetch(`${system.url}/version`);
  expect(response.status).toBe(200);
  return (await response.json()) as { version: string; threadId: number };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out; log:\n${lines.join("\n")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  mkdirSync(join(root, dir), { recursive: true });
  writeVersion("v1");
  writeFileSync(join(root, dir, "handler.ts"), HANDLER);
  writeFileSync(join(root, dir, "other.ts"), OTHER);
  system = await startLocalSystem({
    stage: `reload-${randomUUID().slice(0, 6)}`,
    host: "127.0.0.1",
    port: 0,
    sqsS3Port: 0,
    dynamoPort: 0,
    pollers: 1,
    adminToken: randomUUID(),
    faults: [],
    functionConcurrency: 4,
    // The load test sends as fast as it is answered: throttling is not what it looks at.
    rateLimit: FLOOD_RATE_LIMIT,
    watch: true,
    manifest: { routes: [route("/version", "handler"), route("/other", "other")], subscriptions: [], schedules: [] },
    log: (line) => lines.push(line),
  });
  await system.warm();
  await system.liveReload;
});

afterAll(async () => {
  await system?.stop();
  rmSync(join(root, dir), { recursive: true, force: true });
});

describe("live reload under the local runtime", () => {
  it("serves the next request with the new code when a file the handler imports changes, with no restart", async () => {
    // Arrange
    expect((await versionNow()).version).toBe("v1");

    // Act
    writeVersion("v2");
    await until(async () => (await versionNow()).version === "v2");

    // Assert: one line, naming the route's function only, with its time and the file.
    const reloads = lines.filter((line) => line.startsWith("reload "));
    expect(reloads).toHaveLength(1);
    expect(reloads[0]).toMatch(new RegExp(`^reload ApiGetVersion in \\d+ ms \\(${dir}/version\\.ts\\)$`));
    expect(await (await fetch(`${system.url}/other`)).text()).toBe("unrelated");
  });

  it("reports a syntax error with its file:line and keeps serving the last good version, until it is fixed", async () => {
    // Arrange
    expect((await versionNow()).version).toBe("v2");

    // Act
    writeVersion("v3", "export const broken = (;\n");
    await until(() => lines.some((line) => line.startsWith("reload failed:")));
    const answered = await versionNow();
    writeVersion("v4");
    await until(async () => (await versionNow()).version === "v4");

    // Assert
    const failure = lines.find((line) => line.startsWith("reload failed:"));
    expect(failure).toMatch(new RegExp(`^reload failed: ${dir}/version\\.ts:2:\\d+: .+ \\(ApiGetVersion keep`));
    expect(answered.version).toBe("v2");
  });

  it("never serves the old version after the first answer from the new one, under concurrent load", async () => {
    // Arrange: eight clients in a loop, each answer stamped with when it was asked and answered.
    const answers: { sent: number; received: number; version: string; threadId: number }[] = [];
    let firstNew = Number.POSITIVE_INFINITY;
    let stopAt = Number.POSITIVE_INFINITY;
    const client = async () => {
      while (performance.now() < stopAt) {
        const sent = performance.now();
        const { version, threadId } = await versionNow();
        const received = performance.now();
        if (version === "v5" && received < firstNew) {
          firstNew = received;
          stopAt = received + 1_500;
        }
        answers.push({ sent, received, version, threadId });
      }
    };
    const clients = Array.from({ length: 8 }, client);

    // Act: change the code while they run, once the load keeps several workers busy.
    await until(() => new Set(answers.map((answer) => answer.threadId)).size >= 3);
    writeVersion("v5");
    const deadline = setTimeout(() => {
      stopAt = 0;
    }, 30_000);
    await Promise.all(clients);
    clearTimeout(deadline);

    // Assert: several workers served the old version, then only the new one served.
    const before = answers.filter((answer) => answer.version === "v4");
    const after = answers.filter((answer) => answer.sent > firstNew);
    expect(new Set(before.map((answer) => answer.threadId)).size).toBeGreaterThan(1);
    expect(after.length).toBeGreaterThan(20);
    expect(after.filter((answer) => answer.version !== "v5")).toEqual([]);
    expect(lines.filter((line) => line.startsWith("reload ApiGetVersion in "))).toHaveLength(3);
  });
});
