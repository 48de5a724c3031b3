import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSystem, startSystem } from "../helpers/local-system.ts";

interface Example {
  command: string;
  expectedStatus: number;
}

/** The curl examples between the README's e2e markers, each with the status its comment promises. */
function readmeExamples(): Example[] {
  const readme = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");
  const section = /<!-- e2e:begin -->([\s\S]*?)<!-- e2e:end -->/.exec(readme)?.[1] ?? "";
  const examples: Example[] = [];
  let expectedStatus: number | undefined;
  for (const line of section.split("\n")) {
    const promise = /^#.*→\s*(\d{3})/.exec(line);
    if (promise) expectedStatus = Number(promise[1]);
    if (line.startsWith("curl ")) {
      if (expectedStatus === undefined) throw new Error(`README example has no "→ status" comment: ${line}`);
      examples.push({ command: line, expectedStatus });
      expectedStatus = undefined;
    }
  }
  return examples;
}

function curl(command: string, baseUrl: string): { status: number; body: string } {
  const local = command.replaceAll("http://localhost:3000", baseUrl);
  const result = spawnSync("bash", ["-c", `${local} -s -w '\\n%{http_code}'`], { encoding: "utf8" });
  if (result.error || result.status !== 0) throw new Error(`curl failed (is curl installed?): ${result.stderr}`);
  const lines = result.stdout.split("\n");
  return { status: Number(lines.pop()), body: lines.join("\n") };
}

const examples = readmeExamples();
let system: RunningSystem;
const outputs: { command: string; status: number; body: string }[] = [];

beforeAll(async () => {
  system = await startSystem();
});
afterAll(async () => {
  await system?.stop();
});

describe("the README's examples, against `npm start`", () => {
  it("has examples to run", () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
  });

  it("answers every example with the status its comment promises", async () => {
    for (const example of examples) {
      let result = curl(example.command, system.url);
      // A GET right after a POST may beat the processor: retry briefly, as a user would.
      for (let tries = 0; result.status === 404 && example.expectedStatus === 200 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        result = curl(example.command, system.url);
      }
      expect(result.status, example.command).toBe(example.expectedStatus);
      if (result.status >= 400) expect(JSON.parse(result.body), example.command).toHaveProperty("error");
      outputs.push({ command: example.command, ...result });
    }
  });

  it("shows the documents' order valid, not a duplicate, with a jsonUrl that returns the same JSON", async () => {
    const post = outputs.find((o) => o.command.includes("-X POST") && o.command.includes('"order-001"'));
    const get = outputs.find((o) => o.command.endsWith("/orders/order-001"));
    expect(post && get).toBeTruthy();
    const body = JSON.parse(get?.body ?? "null");
    expect(body.order).toMatchObject({ id: "order-001", valid: true, isDuplicate: false });
    const sent = JSON.parse(/-d '([^']+)'/.exec(post?.command ?? "")?.[1] ?? "null");
    expect(await (await fetch(body.jsonUrl)).json()).toEqual(sent);
  });

  it("records the second POST of the same id as a duplicate", async () => {
    // The README's GET may have run before the processor got to the duplicate.
    const duplicates = async () => {
      const body = (await (await fetch(`${system.url}/orders/order-001`)).json()) as { duplicates: unknown[] };
      return body.duplicates;
    };
    await expect
      .poll(duplicates, { timeout: 10_000 })
      .toEqual([expect.objectContaining({ sameAsOriginal: true, valid: true })]);
  });

  it("records the order with amount -5 as invalid, with its reason", () => {
    const get = outputs.find((o) => o.command.endsWith("/orders/order-002"));
    const body = JSON.parse(get?.body ?? "null");
    expect(body.order.valid).toBe(false);
    expect(body.order.errors).toContainEqual(expect.objectContaining({ field: "amount" }));
  });

  it("logs one line per request and per batch, and stops cleanly on Ctrl-C", async () => {
    expect(system.output()).toMatch(/GET \/health → 200/);
    expect(system.output()).toMatch(/OrdersProcessor batch of \d+/);
    expect(await system.stop("SIGINT")).toBe(0);
    expect(system.output()).toContain("stopped");
  });
});
