import { type ParseArgsConfig, parseArgs } from "node:util";

/**
 * Every script's arguments: `node:util`'s parseArgs, plus `--help` (`-h`),
 * which prints the usage on stdout and exits 0, and a clear line for an
 * unknown or malformed option (the usage on stderr, exit 2) instead of a stack
 * trace. `config.options` must declare `help: { type: "boolean", short: "h" }`;
 * `config.args` defaults to the process's arguments.
 */
export function cliArgs<T extends ParseArgsConfig>(
  name: string,
  usage: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs<T>({ ...config, args: config.args ?? process.argv.slice(2) });
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return parsed;
}

/** The options of every CLI that calls the admin API: `--help`, and `--url` and `--token` over the environment's. */
export const ADMIN_CLI_OPTIONS = {
  help: { type: "boolean", short: "h" },
  url: { type: "string" },
  token: { type: "string" },
} as const;

/** The API the CLIs call: ORDERS_API_URL, else the local system on PORT (as `npm start` reads it), else 3000. */
export function defaultApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.ORDERS_API_URL || `http://localhost:${env.PORT || 3000}`;
}
