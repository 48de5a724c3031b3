import { randomUUID } from "node:crypto";
import { type LocalSystem, type LocalSystemOptions, startLocalSystem } from "@orders/local/runtime";

type Defaulted = "stage" | "host" | "port" | "sqsS3Port" | "dynamoPort" | "adminToken" | "faults";

/**
 * Starts the local system in this process, as the benches and the in-process
 * end-to-end tests run it: a stage of its own (`<prefix>-` and six random
 * characters), on loopback, on ports the OS picks, with an admin token of its
 * own and no faults, unless `options` says otherwise.
 */
export function startInProcess(
  prefix: string,
  options: Omit<LocalSystemOptions, Defaulted> & Partial<Pick<LocalSystemOptions, Defaulted>>,
): Promise<LocalSystem> {
  return startLocalSystem({
    stage: `${prefix}-${randomUUID().slice(0, 6)}`,
    host: "127.0.0.1",
    port: 0,
    sqsS3Port: 0,
    dynamoPort: 0,
    adminToken: randomUUID(),
    faults: [],
    ...options,
  });
}
