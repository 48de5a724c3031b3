import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => join(dir, file));
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(/^\s*(?:import|export)[^"']*?from\s+["']([^"']+)["']/gm)].map((match) => match[1] ?? "");
}

describe("architecture", () => {
  it("keeps the domain, ports and use cases free of AWS, SST and ElectroDB", () => {
    const files = [
      ...sourceFiles("packages/core/src/domain"),
      ...sourceFiles("packages/core/src/use-cases"),
      "packages/core/src/ports.ts",
    ];
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(@aws-sdk|sst|electrodb|aws-lambda)(\/|$)/.test(spec) || spec.includes("adapters/"))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("keeps handlers thin: no handler file over 60 lines, none reaching into SDK clients", () => {
    const handlers = [...sourceFiles("packages/functions/src/api"), ...sourceFiles("packages/functions/src/queue")];
    for (const file of handlers) {
      const lines = readFileSync(join(root, file), "utf8").split("\n").length;
      expect(lines, relative(root, file)).toBeLessThanOrEqual(60);
      expect(
        importsOf(file).filter((spec) => spec.startsWith("@aws-sdk/")),
        file,
      ).toEqual([]);
    }
  });

  it("reads linked resources in the composition root only", () => {
    const readers = sourceFiles("packages/functions/src").filter((file) =>
      importsOf(file).some((spec) => spec === "sst"),
    );
    expect(readers.length).toBeGreaterThan(0);
    for (const file of readers) expect(file).toMatch(/^packages\/functions\/src\/composition\//);
  });

  it("keeps the SDK-clients aggregate out of handlers, so each bundles only the clients it uses", () => {
    const handlers = [...sourceFiles("packages/functions/src/api"), ...sourceFiles("packages/functions/src/admin")];
    for (const file of handlers)
      expect(
        importsOf(file).some((spec) => spec.includes("sdk-clients")),
        file,
      ).toBe(false);
  });
});
