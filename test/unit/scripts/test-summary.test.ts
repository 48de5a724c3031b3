import { describe, expect, it } from "vitest";
import { closingLine, exitCode, summarize, type VitestJsonReport } from "../../../scripts/test-summary.ts";

type FileResult = VitestJsonReport["testResults"][number];

/** A Vitest JSON report of the given files, with the totals Vitest would compute from them. */
function aReport(files: FileResult[], numFailedTestSuites = 0): VitestJsonReport {
  const tests = files.flatMap((file) => file.assertionResults);
  const count = (status: string) => tests.filter((test) => test.status === status).length;
  return {
    numPassedTests: count("passed"),
    numFailedTests: count("failed"),
    numPendingTests: count("skipped") + count("pending"),
    numTodoTests: count("todo"),
    numTotalTests: tests.length,
    numFailedTestSuites,
    testResults: files,
  };
}

const passingFile = (name: string, tests = 2): FileResult => ({
  name,
  status: "passed",
  message: "",
  assertionResults: Array.from({ length: tests }, () => ({ status: "passed" })),
});

describe("npm test's closing line", () => {
  it("counts passed, failed and skipped tests when every file loaded", () => {
    // Arrange
    const report = aReport([
      passingFile("a.test.ts", 3),
      { name: "b.test.ts", status: "failed", assertionResults: [{ status: "passed" }, { status: "failed" }] },
      { name: "c.test.ts", status: "passed", assertionResults: [{ status: "skipped" }, { status: "todo" }] },
    ]);

    // Act
    const summary = summarize(report);

    // Assert
    expect(closingLine(summary)).toBe("tests: 4 passed, 1 failed, 2 skipped");
    expect(summary.brokenFiles).toEqual([]);
    expect(exitCode(summary, 1, report.numTotalTests)).toBe(1);
  });

  it("counts a file that failed to load as a failure, and names it", () => {
    // Arrange: the file threw on import, so Vitest reports it failed with no tests.
    const report = aReport(
      [
        passingFile("good.test.ts", 5),
        {
          name: "broken.test.ts",
          status: "failed",
          message: "Cannot find module './missing.ts'",
          assertionResults: [],
        },
      ],
      1,
    );

    // Act
    const summary = summarize(report);

    // Assert
    expect(closingLine(summary)).toBe("tests: 5 passed, 1 failed, 0 skipped");
    expect(summary.brokenFiles).toEqual([{ name: "broken.test.ts", message: "Cannot find module './missing.ts'" }]);
  });

  it("counts a file whose hook failed while its tests did not as a failure", () => {
    // Arrange: afterAll threw; every test had passed.
    const report = aReport([{ name: "hook.test.ts", status: "failed", assertionResults: [{ status: "passed" }] }], 1);

    // Act
    const summary = summarize(report);

    // Assert
    expect(summary.failed).toBe(1);
  });

  it("counts each unhandled error as a failure, and fails the run even if Vitest exited 0", () => {
    // Arrange
    const report = aReport([passingFile("a.test.ts", 2)]);

    // Act
    const summary = summarize(report, 2);

    // Assert
    expect(closingLine(summary)).toBe("tests: 2 passed, 2 failed, 0 skipped");
    expect(exitCode(summary, 0, report.numTotalTests)).toBe(1);
  });

  it("counts a failed suite no test or file accounts for", () => {
    // Arrange
    const report = aReport([passingFile("a.test.ts", 1)], 1);

    // Act
    const summary = summarize(report);

    // Assert
    expect(summary.failed).toBe(1);
    expect(exitCode(summary, 0, report.numTotalTests)).toBe(1);
  });

  it("passes a clean run, and fails a run with no test at all", () => {
    // Arrange
    const clean = aReport([passingFile("a.test.ts", 2)]);
    const empty = aReport([]);

    // Act
    const cleanSummary = summarize(clean, 0);
    const emptySummary = summarize(empty, 0);

    // Assert
    expect(exitCode(cleanSummary, 0, clean.numTotalTests)).toBe(0);
    expect(exitCode(emptySummary, 0, empty.numTotalTests)).toBe(1);
  });

  it("counts a run Vitest failed outside any test (a global setup threw) as one failure", () => {
    // Arrange: no file ran, no unhandled error was reported, and Vitest exited 1.
    const report = aReport([]);

    // Act
    const summary = summarize(report, 0, 1);

    // Assert
    expect(closingLine(summary)).toBe("tests: 0 passed, 1 failed, 0 skipped");
    expect(summary.failedOutsideTests).toBe(true);
    expect(exitCode(summary, 1, report.numTotalTests)).toBe(1);
  });

  it("does not add that failure when the failures are already counted", () => {
    // Arrange
    const report = aReport([{ name: "a.test.ts", status: "failed", assertionResults: [{ status: "failed" }] }]);

    // Act
    const summary = summarize(report, 0, 1);

    // Assert
    expect(summary.failed).toBe(1);
    expect(summary.failedOutsideTests).toBe(false);
  });
});
