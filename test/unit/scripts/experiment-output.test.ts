import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseExperimentArgs } from "../../../scripts/experiment/options.ts";

const ignored = readFileSync(join(import.meta.dirname, "../../../.gitignore"), "utf8").split("\n");

describe("npm run experiment's results file", () => {
  it("goes by default to a git-ignored folder, never the tracked published figures (#17)", () => {
    // Act
    const { output } = parseExperimentArgs([]);

    // Assert
    expect(output).toBe("test-results/experiment.json");
    expect(ignored).toContain("test-results/");
  });

  it("is the tracked bench/results/experiment.json only when --output names it", () => {
    expect(parseExperimentArgs(["--output", "bench/results/experiment.json"]).output).toBe(
      "bench/results/experiment.json",
    );
  });
});
