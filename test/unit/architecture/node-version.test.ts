import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  engines: { node: string };
  devEngines: { runtime: { name: string; version: string } };
  devDependencies: Record<string, string>;
};
const major = (range: string) => Number(/\d+/.exec(range)?.[0]);

describe("the Node versions package.json states", () => {
  it("declares as the code's engine the Node the project installs (the `node` devDependency) and Lambda runs", () => {
    // Arrange
    const lambdaRuntime = /runtime: "nodejs(\d+)\.x"/.exec(readFileSync(join(root, "infra/manifest.ts"), "utf8"))?.[1];

    // Assert
    expect(pkg.engines.node).toBe(pkg.devDependencies.node);
    expect(major(pkg.engines.node)).toBe(Number(lambdaRuntime));
  });

  it("runs the tests on that Node, whatever Node ran npm", () => {
    expect(major(process.versions.node)).toBe(major(pkg.engines.node));
  });

  it("asks less of the Node that runs npm install, as the README says", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(pkg.devEngines.runtime).toMatchObject({ name: "node", version: ">=20" });
    expect(readme).toContain("You need Node.js ≥ 20 and npm");
  });
});
