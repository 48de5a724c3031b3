/**
 * `npm run experiment [-- --orders N] [--faults RULES] [--url URL --token TOKEN]`:
 * fires a known mix of orders (fits, shortfalls on hot skus, insufficient
 * funds, unknown accounts, invalid ones, duplicates) concurrently, waits
 * until every one is terminal, and checks that no shortfall was missed, no
 * unit oversold, no cent created or destroyed, nothing left held and no effect
 * applied twice. Against a local system it starts itself, or a deployed stage.
 * Prints the table, writes test-results/experiment.json (--output to choose), and exits non-zero
 * if any check fails. See the README, "The experiment".
 */

import { EXPERIMENT_USAGE, type ExperimentOptions, parseExperimentArgs } from "./experiment/options.ts";
import { render, writeResult } from "./experiment/report.ts";
import { runExperiment } from "./experiment/run-experiment.ts";

let options: ExperimentOptions;
try {
  options = parseExperimentArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`experiment: ${(error as Error).message}\n\n${EXPERIMENT_USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${EXPERIMENT_USAGE}\n`);
  process.exit(0);
}
const result = await runExperiment(options, (line) => process.stderr.write(`${line}\n`));
process.stdout.write(`\n${render(result)}\n`);
if (options.output) writeResult(options.output, result);
process.exit(result.pass ? 0 : 1);
