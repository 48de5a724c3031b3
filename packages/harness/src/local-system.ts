import { type ChildProcess, type ChildProcessByStdio, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { FLOOD_RATE_LIMIT } from "@orders/local/rate-limit";

const root = join(import.meta.dirname, "../../..");

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningSystem {
  url: string;
  /** The runtime's DynamoDB emulator, to read raw items. */
  dynamoEndpoint: string;
  process: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnedSystem {
  /** Where the API will listen, once the port is claimed. */
  url: string;
  dynamoEndpoint: string;
  process: ChildProcessByStdio<null, Readable, Readable>;
}

/** Spawns `npm start`'s program on free ports, without waiting for it to be ready. */
export async function spawnSystem(
  args: string[] = ["--in-memory"],
  env: Record<string, string> = {},
): Promise<SpawnedSystem> {
  const [port, sqsS3Port, dynamoPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, ["packages/local/src/main.ts", ...args], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      ORDERS_SQS_S3_PORT: String(sqsS3Port),
      ORDERS_DYNAMO_PORT: String(dynamoPort),
      POWERTOOLS_LOG_LEVEL: "WARN",
      // Suites flood the system on purpose (reliability, the experiment): not throttled unless a test asks.
      ORDERS_RATE_LIMIT: `${FLOOD_RATE_LIMIT.ratePerSecond}:${FLOOD_RATE_LIMIT.burst}`,
      // No live reload: an edit elsewhere in the tree while a suite runs must not swap its code mid-run.
      ORDERS_WATCH: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { url: `http://127.0.0.1:${port}`, dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`, process: child };
}

/**
 * Starts `npm start`'s program as a child process on free ports, the way a
 * user runs it, and resolves once it says it is running.
 */
export async function startSystem(
  args: string[] = ["--in-memory"],
  env: Record<string, string> = {},
): Promise<RunningSystem> {
  // A port found free can be taken before the child binds it (another process's outgoing connection, say):
  // such a start is tried again on other free ports, unless the caller chose the ports.
  const portsChosen = ["PORT", "ORDERS_SQS_S3_PORT", "ORDERS_DYNAMO_PORT"].some((name) => name in env);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(args, env);
    } catch (error) {
      const taken = error instanceof Error && /is already in use/.test(error.message);
      if (!taken || portsChosen || attempt >= 3) throw error;
    }
  }
}

async function startOnce(args: string[], env: Record<string, string>): Promise<RunningSystem> {
  const { process: child, dynamoEndpoint } = await spawnSystem(args, env);
  // "close", not "exit": it comes after the child's last output has been read. Watched from the start, so that a
  // child that has already ended is seen to have, however often stop() is called.
  const closed = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local system did not start:\n${output}`)), 30_000);
    child.stdout.on("data", () => {
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the local system exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    dynamoEndpoint,
    process: child,
    output: () => output,
    stop: (signal = "SIGINT") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return closed;
    },
  };
}

/** Polls `check` until it holds, or fails after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** POSTs each order to the running system, as the holder of `token` (a caller's JWT, or the admin token) if given. */
export async function postOrders(system: RunningSystem, orders: unknown[], token?: string): Promise<void> {
  for (const order of orders) {
    await fetch(`${system.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(order),
    });
  }
}

/** One JSON request to a running system with `headers`: the answer's status and parsed body. */
export async function callJson(
  url: string,
  headers: Record<string, string>,
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the answer's body its own way.
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}
