/**
 * The closing line of `npm test`, counted from Vitest's JSON report. Vitest
 * counts only tests: a file that fails to load has no tests, and an unhandled
 * error belongs to none, so both would read as "0 failed". Here each counts as
 * a failure.
 */

/** The parts of Vitest's JSON report the count needs. */
export interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTests: number;
  numFailedTestSuites: number;
  testResults: { name: string; status: string; message?: string; assertionResults: { status: string }[] }[];
}

export interface TestSummary {
  passed: number;
  /** Failed tests, plus files that failed outside any test, plus unhandled errors. */
  failed: number;
  skipped: number;
  /** Files that failed outside any test (a load error, a failing hook), with Vitest's message. */
  brokenFiles: { name: string; message: string }[];
  unhandledErrors: number;
  /** Vitest failed though no test, file or unhandled error says why: counted as one failure. */
  failedOutsideTests: boolean;
}

/**
 * Counts a run: every broken file and every unhandled error is a failure, and
 * so is a run Vitest failed with nothing else to show for it (a global setup
 * that threw, a broken config), given its exit status.
 */
export function summarize(report: VitestJsonReport, unhandledErrors = 0, vitestStatus = 0): TestSummary {
  const brokenFiles = report.testResults
    .filter((file) => file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed"))
    .map((file) => ({ name: file.name, message: file.message ?? "" }));
  let failed = report.numFailedTests + brokenFiles.length + unhandledErrors;
  // A failed suite that neither a test nor a file accounts for is still a failure.
  if (failed === 0 && report.numFailedTestSuites > 0) failed = report.numFailedTestSuites;
  const failedOutsideTests = failed === 0 && vitestStatus !== 0;
  if (failedOutsideTests) failed = 1;
  return {
    passed: report.numPassedTests,
    failed,
    skipped: report.numPendingTests + report.numTodoTests,
    brokenFiles,
    unhandledErrors,
    failedOutsideTests,
  };
}

/** The closing line: `tests: N passed, N failed, N skipped`. */
export function closingLine(summary: TestSummary): string {
  return `tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;
}

/** The exit code: non-zero whenever anything failed, even if Vitest itself exited 0. */
export function exitCode(summary: TestSummary, vitestStatus: number, total: number): number {
  if (summary.failed > 0 || total === 0) return vitestStatus === 0 ? 1 : vitestStatus;
  return vitestStatus;
}
