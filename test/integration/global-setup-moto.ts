import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import type { TestProject } from "vitest/node";
import { startEmulators } from "../../packages/local/src/emulators.ts";
import { freePort } from "../helpers/local-system.ts";

/**
 * The integration tier again, with moto's server (Apache-2.0, Python) as
 * DynamoDB in place of dynalite: the code must rely on no dynalite quirk.
 * moto implements conditional writes with ReturnValuesOnConditionCheckFailure,
 * the item size limit, global secondary indexes and TransactWriteItems.
 * `moto_server` must be on PATH (`pip install 'moto[server]'`); a missing one
 * fails here, loudly, and never skips.
 */
export default async function setup(project: TestProject) {
  const command = process.env.ORDERS_MOTO_SERVER ?? "moto_server";
  if (spawnSync(command, ["--help"], { stdio: "ignore" }).status !== 0) {
    throw new Error(
      `The second integration backend needs moto's server: ${command} is not on PATH (pip install 'moto[server]')`,
    );
  }
  const port = await freePort();
  const moto: ChildProcess = spawn(command, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (moto.exitCode !== null || Date.now() > deadline) throw new Error(`moto_server did not start on ${endpoint}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0, dynalite: false });
  project.provide("sqsS3Endpoint", emulators.sqsS3Endpoint);
  project.provide("dynamoEndpoint", endpoint);
  project.provide("dynamoBackend", "moto");
  return async () => {
    await emulators.stop();
    moto.kill();
  };
}
