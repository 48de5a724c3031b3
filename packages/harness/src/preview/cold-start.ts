/**
 * Runs a handler's cold start and first invocation in a fresh Node process
 * with exactly the environment given (see cold-start-child.ts), and collects
 * what it reported and everything it printed: a handler may catch an error and
 * only log it (an HTTP 500, a failed SQS record), so its logs are evidence too.
 */
import { fork } from "node:child_process";
import type { ColdStartJob, ColdStartReport } from "./cold-start-child.ts";

export type { ColdStartJob, ColdStartReport, Invocation, ThrownError } from "./cold-start-child.ts";

export interface ColdStart {
  /** Undefined when the process exited (or was stopped) without reporting. */
  report: ColdStartReport | undefined;
  /** stdout and stderr together: the handler's logs. */
  output: string;
  exitCode: number | null;
}

const CHILD = new URL("./cold-start-child.ts", import.meta.url).pathname;

/** Loads `job.handler` in a new process whose environment is `env` and nothing else, and invokes it with `job.events`. */
export function coldStart(job: ColdStartJob, env: Record<string, string>, timeoutMs = 60_000): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      env,
      execArgv: ["--no-warnings"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let output = "";
    let report: ColdStartReport | undefined;
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    child.on("message", (message) => {
      report = message as ColdStartReport;
    });
    const timer = setTimeout(() => {
      output += `\n[cold-start] stopped after ${timeoutMs} ms`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // "close", not "exit": the pipes are drained by then.
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ report, output, exitCode });
    });
    child.send(job);
  });
}
