/**
 * Runs this app's real `sst.config.ts` and `infra/` for one stage on the real
 * SST platform code, offline, under Pulumi's mocks, and writes every resource
 * it registers as JSON.
 *
 *   node packages/harness/src/preview/synth-stage.ts <stage> <platform dir> <out.json>
 *
 * It does what the `sst` CLI does before it hands the program to Pulumi (read
 * in anomalyco/sst: pkg/project/run.go and pkg/js/js.go): evaluate `app()`,
 * bundle the config with `$app`, `$cli` and `$dev` defined, the platform's
 * globals shim injected and `aws`/`sst` imported into every file, then call
 * the platform's `run()` inside a Pulumi stack. The CLI's local RPC server,
 * which the components call back into, is replaced by a small one here that
 * answers the AWS bootstrap and builds each function with esbuild, the way
 * the CLI's Node runtime does (pkg/runtime/node/build.go).
 *
 * One stage per process: Pulumi's runtime state is global.
 */

import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import type { BuildRecord, Synth } from "./graph.ts";
import { ACCOUNT, callMock, newResourceMock, PARTITION, REGION } from "./mocks.ts";

const [stage, platformArg, outFile] = process.argv.slice(2);
if (!stage || !platformArg || !outFile) throw new Error("usage: synth-stage.ts <stage> <platform dir> <out.json>");
const platformDir = resolve(platformArg);

const root = join(import.meta.dirname, "../../../..");
const work = mkdtempSync(join(tmpdir(), `sst-preview-${stage}-`));
const started = performance.now();

// 1. The app's own settings, as the CLI evaluates them before anything else.
(globalThis as Record<string, unknown>).$config = (config: unknown) => config;
const config = (await import(pathToFileURL(join(root, "sst.config.ts")).href)).default as {
  app(input: { stage: string }): Record<string, unknown>;
};
const appConfig = config.app({ stage });
const app = {
  removal: "retain",
  providers: {},
  ...appConfig,
  stage,
} as unknown as Record<string, unknown> & { providers: Record<string, unknown>; home: string };
if (app.home !== "local" && !(app.home in app.providers)) app.providers[app.home] = {};

// Secrets: the CLI passes each stage's values as SST_SECRET_<name>; the preview sets placeholders.
for (const file of readdirSync(join(root, "infra"))) {
  const source = readFileSync(join(root, "infra", file), "utf8");
  for (const match of source.matchAll(/new sst\.Secret\(\s*"(\w+)"/g)) {
    process.env[`SST_SECRET_${match[1]}`] ??= `preview-${match[1]}`;
  }
}

// 2. The CLI's RPC server, reduced to what an AWS app without `sst dev` calls.
const builds: BuildRecord[] = [];
let rpcInFlight = 0;
const server = createServer((req, res) => {
  rpcInFlight++;
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", async () => {
    const { method, params } = JSON.parse(body) as { method: string; params: [Record<string, unknown>] };
    const answer = (payload: object) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    try {
      answer({ result: await rpc(method, params[0]) });
    } catch (error) {
      answer({ error: (error as Error).message });
    } finally {
      rpcInFlight--;
    }
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
if (!address || typeof address === "string") throw new Error("the RPC server has no port");
process.env.SST_SERVER = `http://127.0.0.1:${address.port}`;

async function rpc(method: string, args: Record<string, unknown>): Promise<unknown> {
  switch (method) {
    case "Provider.Aws.Bootstrap":
      return {
        asset: `sst-asset-preview${ACCOUNT}`,
        assetEcrRegistryId: ACCOUNT,
        assetEcrUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/sst-asset`,
        state: `sst-state-preview${ACCOUNT}`,
        appsyncHttp: "",
        appsyncRealtime: "",
      };
    case "Runtime.Build":
      return buildFunction(args as unknown as BuildInput);
    default:
      // What the platform treats as "method not found".
      throw new Error(`rpc: can't find method ${method}`);
  }
}

interface BuildInput {
  functionID: string;
  handler: string;
  runtime: string;
  links?: Record<string, unknown>;
  properties: {
    architecture?: string;
    minify?: boolean;
    format?: string;
    banner?: string;
    esbuild?: { external?: string[]; keepNames?: boolean; target?: string };
    install?: Record<string, string>;
  };
}

const TARGETS: Record<string, string> = { "nodejs24.x": "es2024", "nodejs22.x": "es2023", "nodejs20.x": "es2023" };
const FORCE_EXTERNAL = ["sharp", "pg-native"];

/**
 * What the CLI puts ahead of every ESM bundle it builds, the functions' and
 * the config's alike: `require`, `__filename` and `__dirname`, which bundled
 * CommonJS dependencies still use.
 */
const ESM_SHIMS = [
  "import { createRequire as topLevelCreateRequire } from 'module';",
  "const require = topLevelCreateRequire(import.meta.url);",
  'import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"',
  "const __filename = topLevelFileUrlToPath(import.meta.url)",
  'const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))',
];

/** The CLI's Node builder, in outline: one ESM bundle per function, `bundle.<export>` as its handler. */
async function bundleFunction(
  input: BuildInput,
  out: string,
): Promise<Omit<BuildRecord, "functionID" | "links" | "linkProperties"> | string> {
  const dot = input.handler.lastIndexOf(".");
  const base = input.handler.slice(0, dot);
  const file = [".ts", ".tsx", ".mts", ".js", ".mjs", ".cjs"]
    .map((ext) => join(root, `${base}${ext}`))
    .find((candidate) => existsSync(candidate));
  if (!file) return `Handler not found: ${input.handler}`;
  mkdirSync(out, { recursive: true });
  const props = input.properties ?? {};
  const external = [...FORCE_EXTERNAL, ...Object.keys(props.install ?? {}), ...(props.esbuild?.external ?? [])];
  const result = await build({
    entryPoints: [file],
    outfile: join(out, "bundle.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: props.esbuild?.target ?? TARGETS[input.runtime] ?? "es2024",
    keepNames: props.esbuild?.keepNames ?? true,
    mainFields: ["module", "main"],
    minify: props.minify ?? false,
    external,
    metafile: true,
    logLevel: "silent",
    banner: { js: [...ESM_SHIMS, props.banner ?? ""].join("\n") },
  });
  const inputs = Object.keys(result.metafile.inputs);
  const exports = Object.values(result.metafile.outputs).flatMap((output) => output.exports);
  const externals = new Set<string>();
  for (const entry of Object.values(result.metafile.inputs)) {
    for (const imported of entry.imports) if (imported.external) externals.add(imported.path);
  }
  return {
    handler: input.handler,
    runtime: input.runtime,
    architecture: props.architecture ?? "",
    bytes: statSync(join(out, "bundle.mjs")).size,
    exports: [...new Set(exports)].sort(),
    bundledPackages: [...new Set(inputs.map(packageOf).filter((name): name is string => name !== undefined))].sort(),
    externalImports: [...externals].filter((name) => !name.startsWith("node:")).sort(),
  };
}

/**
 * Builds a function, or reuses the bundle another stage of the same preview
 * run built from the same handler and options (SST_PREVIEW_BUILDS, set by the
 * global setup): the code does not depend on the stage.
 */
async function buildFunction(input: BuildInput) {
  const exported = input.handler.slice(input.handler.lastIndexOf(".") + 1);
  const shared = process.env.SST_PREVIEW_BUILDS;
  let out = join(work, "artifacts", `${input.functionID}-src`);
  let record: Omit<BuildRecord, "functionID" | "links" | "linkProperties"> | string;
  if (shared) {
    const key = createHash("sha256")
      .update(JSON.stringify([input.handler, input.runtime, input.properties]))
      .digest("hex")
      .slice(0, 16);
    out = join(shared, key);
    const done = join(shared, `${key}.json`);
    let owner = true;
    try {
      mkdirSync(out, { recursive: false });
    } catch {
      owner = false;
    }
    if (owner) {
      record = await bundleFunction(input, out);
      // Written aside, then renamed: the other stage waits for `done` to exist and must never read half of it.
      writeFileSync(`${done}.${process.pid}.tmp`, JSON.stringify(record));
      renameSync(`${done}.${process.pid}.tmp`, done);
    } else {
      // Bounded: if the other stage's build died, this one fails instead of waiting for ever.
      const deadline = Date.now() + 300_000;
      while (!existsSync(done)) {
        if (Date.now() > deadline) throw new Error(`the other stage never finished building ${input.handler}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      record = JSON.parse(readFileSync(done, "utf8")) as typeof record;
    }
  } else {
    record = await bundleFunction(input, out);
  }
  if (typeof record === "string") return { handler: "", out: "", errors: [record], sourcemaps: [] };
  builds.push({
    ...record,
    functionID: input.functionID,
    links: Object.keys(input.links ?? {}).sort(),
    linkProperties: reveal(input.links ?? {}) as Record<string, unknown>,
  });
  return { handler: `bundle.${exported}`, out, errors: [], sourcemaps: [] };
}

/** `node_modules/@scope/name/…` → `@scope/name`. */
function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf("node_modules/");
  if (at < 0) return undefined;
  const parts = path.slice(at + "node_modules/".length).split("/");
  return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

// 3. The config, bundled as the CLI bundles it; written inside the platform so
// its bare imports (@pulumi/*) resolve to the platform's own node_modules.
const cli = {
  command: "deploy",
  dev: false,
  paths: { home: join(work, "home"), root, work, platform: platformDir },
  state: { version: {} },
};
const globals = [
  'import * as aws from "@pulumi/aws";',
  `import * as sst from ${JSON.stringify(join(platformDir, "src/components"))};`,
].join("\n");
const bundled = join(platformDir, `sst.config.preview-${stage}-${process.pid}.mjs`);
await build({
  stdin: {
    contents: [
      `import { run } from ${JSON.stringify(join(platformDir, "src/auto/run.ts"))};`,
      `import mod from ${JSON.stringify(join(root, "sst.config.ts"))};`,
      "export function synth(before) { return run(async () => { before(); return mod.run(); }); }",
    ].join("\n"),
    resolveDir: root,
    sourcefile: "eval.ts",
    loader: "ts",
  },
  outfile: bundled,
  bundle: true,
  format: "esm",
  platform: "node",
  mainFields: ["module", "main"],
  nodePaths: [join(platformDir, "node_modules")],
  define: { $app: JSON.stringify(app), $cli: JSON.stringify(cli), $dev: "false" },
  inject: [join(platformDir, "src/shim/run.js")],
  external: [
    "@pulumi/*",
    "undici",
    "@pulumiverse/*",
    "@sst-provider/*",
    "@aws-sdk/*",
    "esbuild",
    "archiver",
    "glob",
    "vite",
  ],
  logLevel: "silent",
  banner: { js: ESM_SHIMS.join("\n") },
  plugins: [
    {
      name: "inject-globals",
      setup(plugin) {
        plugin.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, async (args) => {
          if (args.path.startsWith(platformDir) || args.path.includes(".sst")) return undefined;
          const { readFile } = await import("node:fs/promises");
          return { contents: `${globals}\n${await readFile(args.path, "utf8")}`, loader: "default" };
        });
      },
    },
  ],
});

/** The little of `@pulumi/pulumi` used here (its types live in the platform's node_modules, outside tsc's view). */
interface PulumiSurface {
  runtime: {
    setMocks(
      mocks: {
        newResource(args: MockResourceArgs): { id: string; state: Record<string, unknown> };
        call(args: { token: string; inputs: Record<string, unknown> }): Record<string, unknown>;
      },
      project: string,
      stack: string,
      preview: boolean,
    ): void;
    registerStackTransformation(
      transform: (args: { type: string; name: string; opts: TransformOptions }) => undefined,
    ): void;
  };
  output(value: unknown): { apply(fn: (value: Record<string, unknown>) => void): unknown };
}
interface MockResourceArgs {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  custom?: boolean;
}
interface TransformOptions {
  retainOnDelete?: boolean;
  protect?: boolean;
  parent?: unknown;
}

// 4. Pulumi, mocked: the same module instance the bundle imports.
const platformRequire = createRequire(join(platformDir, "package.json"));
const pulumi = platformRequire("@pulumi/pulumi") as PulumiSurface;
const { runInPulumiStack } = platformRequire("@pulumi/pulumi/runtime/stack") as {
  runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
};

const registered: Omit<Synth["resources"][number], "options">[] = [];
const calls: Synth["calls"] = [];
const options = new Map<string, { retainOnDelete?: boolean; protect?: boolean; parent?: string }>();
pulumi.runtime.setMocks(
  {
    newResource(args) {
      const { id, state } = newResourceMock(args);
      registered.push({
        type: args.type,
        name: args.name,
        custom: args.custom ?? true,
        inputs: reveal(args.inputs) as Record<string, unknown>,
        state: reveal(state) as Record<string, unknown>,
      });
      return { id, state };
    },
    call(args) {
      calls.push({ token: args.token, inputs: reveal(args.inputs) as Record<string, unknown> });
      return callMock(args.token, args.inputs);
    },
  },
  app.name as string,
  stage,
  false,
);

/** Pulumi's serialized secret marker: the preview records the values in the clear, they are placeholders. */
const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
function reveal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reveal);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (SECRET_SIGNATURE in record && "value" in record) return reveal(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, reveal(inner)]));
  }
  return value;
}

/** Registered after SST's own stack transformations, so it sees the options they settle on. */
function recordOptions() {
  pulumi.runtime.registerStackTransformation((args) => {
    const parent = (args.opts.parent as { __name?: string } | undefined)?.__name;
    options.set(`${args.type}::${args.name}`, {
      retainOnDelete: args.opts.retainOnDelete,
      protect: args.opts.protect,
      parent,
    });
    return undefined;
  });
}

const { waitForRPCs } = platformRequire("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/**
 * Resources created inside `apply` callbacks (the function code, its role's
 * policy) register after the program returns: wait until nothing is in
 * flight and nothing new has registered for a while.
 */
async function settle() {
  let seen = -1;
  while (true) {
    await waitForRPCs();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = registered.length + builds.length;
    if (now === seen && rpcInFlight === 0) return;
    seen = now;
  }
}

let outputs: Record<string, unknown> = {};
try {
  const mod = (await import(pathToFileURL(bundled).href)) as {
    synth(before: () => void): Promise<Record<string, unknown>>;
  };
  await runInPulumiStack(async () => {
    const result = await mod.synth(recordOptions);
    outputs = await new Promise((resolve) => pulumi.output(result).apply((value) => resolve(value)));
    return result;
  });
  await settle();
} finally {
  rmSync(bundled, { force: true });
  rmSync(`${bundled}.map`, { force: true });
  server.close();
}

const synth: Synth = {
  stage,
  app: { name: app.name as string, removal: app.removal as string, protect: Boolean(app.protect) },
  account: ACCOUNT,
  region: REGION,
  partition: PARTITION,
  outputs,
  resources: registered.map((resource) => ({
    ...resource,
    options: options.get(`${resource.type}::${resource.name}`) ?? {},
  })),
  builds: builds.sort((a, b) => a.functionID.localeCompare(b.functionID)),
  calls,
  seconds: Math.round((performance.now() - started) / 100) / 10,
};
writeFileSync(outFile, JSON.stringify(synth, null, 1));
rmSync(work, { recursive: true, force: true });
process.stdout.write(
  `${stage}: ${registered.length} resources, ${builds.length} functions built (${basename(outFile)}, ${relative(root, dirname(outFile)) || "."})\n`,
);
process.exit(0);
