import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { freePort } from "@orders/harness/local-system";
import type { TestProject } from "vitest/node";
import { startEmulators } from "../../packages/local/src/emulators.ts";

/**
 * moto's server, one request at a time. Its own `moto_server` serves requests
 * on threads, and then a conditional UpdateItem is not atomic: two of eight
 * concurrent reserves of a sku's last unit both succeeded in 2 rounds of 60
 * (emulator-fidelity.test.ts races it). Served from one thread, each request
 * runs whole before the next, as DynamoDB applies a conditional write.
 * Werkzeug's single-threaded server speaks HTTP/1.0, closing each connection,
 * so no idle client connection blocks the others.
 */
const SERVE = `
import sys
from werkzeug.serving import run_simple
from moto.server import DomainDispatcherApplication, create_backend_app
run_simple("127.0.0.1", int(sys.argv[1]), DomainDispatcherApplication(create_backend_app), threaded=False)
`;

/**
 * The integration tier again, with moto's server (Apache-2.0, Python) as
 * DynamoDB in place of dynalite: the code must rely on no dynalite quirk.
 * moto implements conditional writes with ReturnValuesOnConditionCheckFailure,
 * the item size limit, global secondary indexes and TransactWriteItems. Its
 * Python package must be importable (`pip install 'moto[server]'`; the
 * interpreter is `python3`, or ORDERS_MOTO_PYTHON); a missing one fails here,
 * loudly, and never skips.
 */
export default async function setup(project: TestProject) {
  const python = process.env.ORDERS_MOTO_PYTHON ?? "python3";
  if (spawnSync(python, ["-c", "import moto.server, werkzeug"], { stdio: "ignore" }).status !== 0) {
    throw new Error(
      `The second integration backend needs moto's server: ${python} cannot import moto.server (pip install 'moto[server]')`,
    );
  }
  const port = await freePort();
  const moto: ChildProcess = spawn(python, ["-c", SERVE, String(port)], { stdio: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (moto.exitCode !== null || Date.now() > deadline) throw new Error(`moto's server did not start on ${endpoint}`);
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
