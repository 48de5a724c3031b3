/**
 * `npm test`: type-check, lint and format check, then every Vitest project
 * (unit, integration, e2e), then one plain closing line that counts them all,
 * a file that failed to load and an unhandled error included.
 * Under CI a skipped or pending test fails the run: a missing tool must not
 * pass in silence.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { closingLine, exitCode, summarize, type VitestJsonReport } from "./test-summary.ts";
import { UNHANDLED_ERRORS_FILE } from "./unhandled-errors-reporter.ts";

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
rmSync(UNHANDLED_ERRORS_FILE, { force: true });
const status = run("vitest", [
  "run",
  ...process.argv.slice(2),
  "--reporter=default",
  "--reporter=json",
  "--reporter=./scripts/unhandled-errors-reporter.ts",
  `--outputFile.json=${report}`,
]);

let vitestReport: VitestJsonReport;
try {
  vitestReport = JSON.parse(readFileSync(report, "utf8")) as VitestJsonReport;
} catch {
  process.stdout.write("\nvitest wrote no report: no test was counted.\n");
  process.exit(status === 0 ? 1 : status);
}
let unhandled = 0;
try {
  unhandled = (JSON.parse(readFileSync(UNHANDLED_ERRORS_FILE, "utf8")) as { count: number }).count;
} catch {
  process.stdout.write("\nvitest did not say how many unhandled errors it caught: counting one.\n");
  unhandled = 1;
}
const summary = summarize(vitestReport, unhandled, status);
for (const file of summary.brokenFiles)
  process.stdout.write(`\nfailed outside any test: ${file.name}\n  ${file.message}`);
if (summary.unhandledErrors)
  process.stdout.write(`\n${summary.unhandledErrors} unhandled error(s), each counted as a failure`);
if (summary.failedOutsideTests)
  process.stdout.write("\nvitest failed outside any test (a global setup, the config): see above");
process.stdout.write(`\n${closingLine(summary)}\n`);
if (process.env.CI && summary.skipped > 0) {
  process.stdout.write("CI allows no skipped test: a skip here means a missing tool or a forgotten .only/.skip.\n");
  process.exit(1);
}
process.exit(exitCode(summary, status, vitestReport.numTotalTests));
