/**
 * `npm test`: type-check, lint and format check, then every Vitest project
 * (unit, integration, e2e), then one plain closing line that counts them all.
 * Under CI a skipped or pending test fails the run: a missing tool must not
 * pass in silence.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";

const report = "test-results/vitest.json";
const run = (command: string, args: string[]) =>
  spawnSync(command, args, { stdio: "inherit", env: process.env }).status ?? 1;

for (const [command, args] of [
  ["tsc", ["--noEmit", "-p", "tsconfig.json"]],
  ["biome", ["check", "."]],
] as const) {
  if (run(command, [...args]) !== 0) {
    process.stdout.write(`\n${command} failed: fix it before the tests run.\n`);
    process.exit(1);
  }
}

// Terraform cannot download its providers here, so formatting is what can be
// checked; it runs wherever the binary is installed, and says so when not.
if (spawnSync("terraform", ["version"], { stdio: "ignore" }).status === 0) {
  if (run("terraform", ["fmt", "-check", "-recursive", "stacks"]) !== 0) {
    process.stdout.write("\nterraform fmt -check failed: run terraform fmt -recursive stacks\n");
    process.exit(1);
  }
  process.stdout.write("terraform fmt -check: stacks/ is formatted\n");
} else {
  process.stdout.write("NOTE: no terraform binary on this machine: stacks/ formatting was NOT checked\n");
}

mkdirSync("test-results", { recursive: true });
rmSync(report, { force: true });
const status = run("vitest", [
  "run",
  ...process.argv.slice(2),
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
]);

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
}

let counts: VitestReport;
try {
  counts = JSON.parse(readFileSync(report, "utf8")) as VitestReport;
} catch {
  process.stdout.write("\nvitest wrote no report: no test was counted.\n");
  process.exit(status === 0 ? 1 : status);
}
const skipped = counts.numPendingTests + counts.numTodoTests;
process.stdout.write(`\ntests: ${counts.numPassedTests} passed, ${counts.numFailedTests} failed, ${skipped} skipped\n`);
if (process.env.CI && skipped > 0) {
  process.stdout.write("CI allows no skipped test: a skip here means a missing tool or a forgotten .only/.skip.\n");
  process.exit(1);
}
if (counts.numTotalTests === 0) process.exit(1);
process.exit(status);
