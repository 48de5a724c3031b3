import { spawnSync } from "node:child_process";
import type { RunningSystem } from "@orders/harness/local-system";

/**
 * Runs an admin CLI, `scripts/<name>.ts`, as `npm run <name>` would, against
 * `system` with the admin `token` in its environment: its exit code and output.
 */
export function runAdminCli(name: string, system: RunningSystem, token: string, args: string[]) {
  const result = spawnSync(process.execPath, [`scripts/${name}.ts`, ...args], {
    encoding: "utf8",
    env: { ...process.env, ORDERS_API_URL: system.url, ORDERS_ADMIN_TOKEN: token },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
