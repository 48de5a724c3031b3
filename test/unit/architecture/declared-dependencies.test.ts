import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../../..");

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The folders the root package.json names as workspaces (`packages/*` and plain folders). */
function workspacePackages(): string[] {
  const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces: string[] };
  return workspaces.flatMap((pattern) =>
    pattern.endsWith("/*")
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(pattern.slice(0, -2), entry.name))
      : [pattern],
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.split(/[\\/]/).includes("node_modules"))
    .map((file) => join(dir, file));
}

/** Every module a file names: static imports and re-exports, side-effect imports and `import("...")`. */
function specifiersOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  const patterns = [
    /^\s*(?:import|export)\s[^"'`]*?\sfrom\s+["']([^"']+)["']/gm,
    /^\s*import\s+["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ""));
}

/** The package a bare specifier names: `@scope/name` or `name`, without its subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

function isBare(specifier: string): boolean {
  return !specifier.startsWith(".") && !specifier.startsWith("/") && !specifier.startsWith("node:");
}

function declared(manifest: Manifest): Set<string> {
  return new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
}

describe("every workspace package declares what it imports", () => {
  const packages = workspacePackages();

  it("finds the workspace packages", () => {
    expect(packages.length).toBeGreaterThanOrEqual(3);
  });

  it.each(packages)("%s names each package it imports in its package.json", (dir) => {
    // Arrange
    const manifest = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")) as Manifest;
    const names = declared(manifest);
    const builtins = new Set(builtinModules);

    // Act
    const undeclared = sourceFiles(dir).flatMap((file) =>
      specifiersOf(file)
        .filter(isBare)
        .map(packageOf)
        .filter((name) => !builtins.has(name))
        // A types-only package (aws-lambda) is declared by its @types package.
        .filter((name) => !names.has(name) && !names.has(`@types/${name.replace("@", "").replace("/", "__")}`))
        .map((name) => `${file} imports ${name}`),
    );

    // Assert
    expect([...new Set(undeclared)]).toEqual([]);
  });

  it.each(packages)("%s reaches no file outside its folder by a relative path", (dir) => {
    // Arrange
    const files = sourceFiles(dir);

    // Act
    const escapes = files.flatMap((file) =>
      specifiersOf(file)
        .filter((specifier) => specifier.startsWith("."))
        .filter((specifier) => relative(dir, join(dirname(file), specifier)).startsWith(".."))
        .map((specifier) => `${file} imports ${specifier}`),
    );

    // Assert
    expect(escapes).toEqual([]);
  });
});
