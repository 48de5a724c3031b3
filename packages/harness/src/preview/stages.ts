/**
 * The stages the preview runs: the ones the README tells people to deploy.
 * The global setup writes each stage's graph to `.sst-preview/graph/`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Graph, type Synth } from "./graph.ts";

export const STAGES = ["dev", "production"] as const;
export type Stage = (typeof STAGES)[number];

const root = join(import.meta.dirname, "../../../..");
export const graphDir = join(root, ".sst-preview/graph");

export const graphFile = (stage: string) => join(graphDir, `${stage}.json`);

/** Runs the app for one stage on the real platform, under mocks, in a child process. */
export function synthStage(platformDir: string, stage: string, buildCache?: string): Promise<Synth> {
  mkdirSync(graphDir, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "synth-stage.ts"), stage, platformDir, graphFile(stage)],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_OPTIONS: "--no-deprecation --no-warnings",
          ...(buildCache ? { SST_PREVIEW_BUILDS: buildCache } : {}),
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`the preview of stage ${stage} failed (exit ${code}):\n${output}`));
      else resolve(loadSynth(stage));
    });
  });
}

export function loadSynth(stage: string): Synth {
  return JSON.parse(readFileSync(graphFile(stage), "utf8")) as Synth;
}

/** The graph the global setup wrote for a stage. */
export function loadGraph(stage: string): Graph {
  return new Graph(loadSynth(stage));
}
