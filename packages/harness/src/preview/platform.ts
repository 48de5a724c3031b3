/**
 * The SST platform, offline: the TypeScript source of the components that
 * `sst deploy` runs, for the exact `sst` version in package-lock.json, with
 * its own pinned dependencies (Pulumi, the AWS provider's SDK), cached under
 * `.sst-preview/` (git-ignored) and rebuilt only when that version changes.
 *
 * The source comes from the `sst` CLI binary that npm installed: `sst install`
 * writes it to `.sst/platform/` and then fails trying to run `bun install`,
 * which we do not need; npm installs the dependencies instead.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "../../../..");
const cacheRoot = join(root, ".sst-preview");
const MARKER = ".complete";

/** The `sst` version package-lock.json pins. */
export function lockedSstVersion(): string {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages["node_modules/sst"]?.version;
  if (!version) throw new Error("package-lock.json pins no sst version");
  return version;
}

/** The installed CLI binary, checked against the lockfile so a stale node_modules cannot slip through. */
function sstBinary(version: string): string {
  const installed = (
    JSON.parse(readFileSync(join(root, "node_modules/sst/package.json"), "utf8")) as { version: string }
  ).version;
  if (installed !== version) {
    throw new Error(`node_modules has sst ${installed}, package-lock.json pins ${version}: run npm ci`);
  }
  const binary = join(root, "node_modules/.bin/sst");
  if (!existsSync(binary)) throw new Error("node_modules/.bin/sst is missing: run npm ci");
  return binary;
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): { status: number; output: string } {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
  return { status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

export interface Platform {
  version: string;
  /** The platform directory: `src/`, `functions/`, `dist/`, `node_modules/`. */
  dir: string;
  /** True when this call extracted and installed it; false when the cache was current. */
  fresh: boolean;
  seconds: number;
}

/** Extracts and installs the platform unless the cache already holds this version. */
export function ensurePlatform(log: (line: string) => void = () => {}): Platform {
  const started = performance.now();
  const version = lockedSstVersion();
  const dir = join(cacheRoot, version);
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  if (existsSync(join(dir, MARKER))) return { version, dir, fresh: false, seconds: seconds() };

  log(`sst platform ${version}: extracting from the CLI and installing its dependencies (once per version)`);
  const binary = sstBinary(version);
  rmSync(cacheRoot, { recursive: true, force: true });

  // `sst install` needs an app to install for; a minimal one keeps the repo's own .sst/ untouched.
  const scratch = mkdtempSync(join(tmpdir(), "sst-extract-"));
  try {
    writeFileSync(join(scratch, "package.json"), '{"name":"sst-extract","private":true}\n');
    writeFileSync(
      join(scratch, "sst.config.ts"),
      'export default $config({ app() { return { name: "extract", home: "aws" }; }, async run() {} });\n',
    );
    const install = run(binary, ["install", "--stage", "preview"], scratch, {
      SST_SKIP_DEPENDENCY_CHECK: "1",
      SST_TELEMETRY_DISABLED: "1",
      DO_NOT_TRACK: "1",
    });
    const extracted = join(scratch, ".sst/platform");
    if (!existsSync(join(extracted, "src/components"))) {
      throw new Error(`sst install extracted no platform:\n${install.output}`);
    }
    const embedded = readFileSync(join(extracted, "version"), "utf8").trim();
    if (embedded !== version) throw new Error(`the sst binary embeds platform ${embedded}, not ${version}`);
    cpSync(extracted, dir, { recursive: true });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  // bun's lockfile is no use to npm; package.json pins every dependency's version.
  rmSync(join(dir, "bun.lockb"), { force: true });
  const npm = run(
    "npm",
    ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", "--no-save"],
    dir,
  );
  if (npm.status !== 0) throw new Error(`npm install in ${dir} failed:\n${npm.output}`);
  writeFileSync(join(dir, MARKER), `${version}\n`);
  log(`sst platform ${version}: ready in ${seconds()} s`);
  return { version, dir, fresh: true, seconds: seconds() };
}
