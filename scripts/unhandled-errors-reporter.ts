/**
 * A Vitest reporter that writes how many unhandled errors a run had, which
 * the JSON report leaves out, for `npm test`'s closing line.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export const UNHANDLED_ERRORS_FILE = "test-results/vitest-unhandled-errors.json";

export default class UnhandledErrorsReporter {
  onTestRunEnd(_modules: readonly unknown[], unhandledErrors: readonly { message?: string }[]): void {
    mkdirSync(dirname(UNHANDLED_ERRORS_FILE), { recursive: true });
    writeFileSync(
      UNHANDLED_ERRORS_FILE,
      JSON.stringify({ count: unhandledErrors.length, messages: unhandledErrors.map((error) => error.message ?? "") }),
    );
  }
}
