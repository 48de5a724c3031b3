import { parseArgs } from "node:util";

export interface ExperimentOptions {
  /** A deployed stage's API URL; undefined runs against a local system the experiment starts. */
  url?: string | undefined;
  /** An operator's token for the deployed stage (a local system gets a fresh admin token). */
  token?: string | undefined;
  orders: number;
  concurrency: number;
  /** Fault rules for the local system, as `ORDERS_FAULTS` takes them. */
  faults?: string | undefined;
  seed: number;
  /** How long to wait for every order to be terminal, in seconds. */
  timeoutSeconds: number;
  /** Where to write the JSON results; undefined writes nothing. */
  output?: string | undefined;
  /** `--help`: print the usage and run nothing. */
  help?: boolean;
}

export const EXPERIMENT_USAGE = `usage: npm run experiment [-- --orders N] [--concurrency C] [--faults RULES] [--seed S] [--timeout S] [--output FILE]
                          [--url URL --token TOKEN]

Fires a known mix of orders at the local system (started for it) or a deployed stage (--url, --token), waits until
every one is terminal, and checks the laws. Writes test-results/experiment.json (or --output FILE; the published
figures are bench/results/experiment.json, written only when asked: --output bench/results/experiment.json).`;

const positiveInt = (name: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
};

/** Parses `npm run experiment -- [--url U --token T] [--orders N] [--concurrency C] [--faults F] [--seed S] [--timeout S]`. */
export function parseExperimentArgs(argv: string[]): ExperimentOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      orders: { type: "string", default: "2000" },
      concurrency: { type: "string", default: "32" },
      faults: { type: "string" },
      seed: { type: "string", default: "42" },
      timeout: { type: "string", default: "900" },
      // Not the tracked bench/results/experiment.json: a casual run must not overwrite the published figures.
      output: { type: "string", default: "test-results/experiment.json" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { orders: 0, concurrency: 0, seed: 0, timeoutSeconds: 0, help: true };
  if (values.url && !values.token)
    throw new Error("--url needs --token, an operator's token (a JWT with the orders:operator scope) for the stage");
  if (values.url && values.faults) throw new Error("--faults works on the local system only");
  const orders = positiveInt("orders", values.orders);
  if (orders < 50) throw new Error("--orders must be at least 50, so that every category of the mix is present");
  return {
    url: values.url?.replace(/\/+$/, ""),
    token: values.token,
    orders,
    concurrency: positiveInt("concurrency", values.concurrency),
    faults: values.faults,
    seed: positiveInt("seed", values.seed),
    timeoutSeconds: positiveInt("timeout", values.timeout),
    output: values.output,
  };
}
