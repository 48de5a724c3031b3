import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultApiUrl } from "../../../scripts/cli/args.ts";

const root = join(import.meta.dirname, "../../..");
const run = (script: string, ...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, PORT: "" } });

// Each `npm run <script>` a user types that runs a script of scripts/ or bench/, read from package.json so
// that a new one is checked too, with --help and with an option that does not exist.
const packageScripts = (
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;
const scripts = Object.values(packageScripts)
  .map((command) => /^node ((scripts|bench)\/[\w-]+\.ts|packages\/local\/src\/reset\.ts)$/.exec(command)?.[1])
  .filter((script): script is string => script !== undefined && script !== "scripts/test.ts");

describe("the command-line scripts", () => {
  it("finds every script a user runs, the bench's, the token's and reset's among them", () => {
    expect(scripts).toEqual(
      expect.arrayContaining([
        "scripts/token.ts",
        "bench/run.ts",
        "bench/profile.ts",
        "scripts/dlq.ts",
        "packages/local/src/reset.ts",
      ]),
    );
  });

  it.each(scripts)("%s answers --help with its usage and exit 0, and an unknown option with exit 2", (script) => {
    const help = run(script, "--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run /);
    const wrong = run(script, "--no-such-option");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("Unknown option '--no-such-option'");
    expect(wrong.stderr).toContain("usage: npm run ");
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
  });

  // The bench's scripts the README runs with node directly.
  it.each(["bench/first-requests.ts", "bench/isolation.ts"])(
    "%s answers --help with its usage and exit 0, and an unknown option with exit 2",
    (script) => {
      const help = run(script, "--help");
      expect(help.status).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: node ${script} `));
      const wrong = run(script, "--no-such-option");
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain("Unknown option '--no-such-option'");
      expect(wrong.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it("call the API named by ORDERS_API_URL, else the local system on PORT, else port 3000", () => {
    expect(defaultApiUrl({ ORDERS_API_URL: "https://api.example.com" })).toBe("https://api.example.com");
    expect(defaultApiUrl({ PORT: "3100" })).toBe("http://localhost:3100");
    expect(defaultApiUrl({})).toBe("http://localhost:3000");
    expect(defaultApiUrl({ PORT: "" })).toBe("http://localhost:3000");
  });
});
