import { addInitializeMiddleware, type MiddlewareHost } from "./sdk-middleware.ts";

/**
 * A fault rule as text: `Service:Operation` (or `Service:*`), then optionally
 * `@` and `;`-separated settings:
 *   rate=0.2       fail 20% of the calls (default 1 when no other setting is given, else 0)
 *   latency=50     add 50 ms to every call
 *   duplicate=0.05 send 5% of successful calls a second time (duplicate delivery)
 *   after=10       start 10 s after the rule is set;  for=30  stop 30 s after it started
 * e.g. `S3:PutObject`, `DynamoDB:*@rate=0.2`, `SQS:SendMessage@duplicate=0.05`, `S3:*@after=5;for=20`.
 */
export type FaultRule = string;

interface ParsedRule {
  text: string;
  service: string;
  operation: string;
  rate: number;
  latencyMs: number;
  duplicate: number;
  from: number;
  until: number;
}

const RULE = /^(S3|SQS|SNS|DynamoDB):(\*|[A-Za-z]+)(?:@((?:[a-z]+=[0-9.]+;?)+))?$/;
const SETTINGS = new Set(["rate", "latency", "duplicate", "after", "for"]);

function parseRule(text: string, now: number): ParsedRule {
  const match = RULE.exec(text);
  if (!match)
    throw new Error(`Bad fault rule "${text}": use Service:Operation[@rate=0.2;latency=50;…], e.g. S3:PutObject`);
  const settings: Record<string, number> = {};
  for (const pair of (match[3] ?? "").split(";").filter(Boolean)) {
    const [key = "", value = ""] = pair.split("=");
    const number = Number(value);
    if (!SETTINGS.has(key) || !Number.isFinite(number) || number < 0)
      throw new Error(`Bad fault setting "${pair}" in "${text}"`);
    if ((key === "rate" || key === "duplicate") && number > 1)
      throw new Error(`${key} is a fraction from 0 to 1 in "${text}"`);
    settings[key] = number;
  }
  const from = now + (settings.after ?? 0) * 1000;
  return {
    text,
    service: match[1] ?? "",
    operation: match[2] ?? "",
    rate:
      settings.rate ??
      (Object.keys(settings).length === 0 || settings.after !== undefined || settings.for !== undefined ? 1 : 0),
    latencyMs: settings.latency ?? 0,
    duplicate: settings.duplicate ?? 0,
    from,
    until: settings.for === undefined ? Number.POSITIVE_INFINITY : from + settings.for * 1000,
  };
}

/** Parses comma-separated rules; throws on anything malformed. */
export function parseFaultRules(text: string): FaultRule[] {
  const rules = text
    .split(",")
    .map((rule) => rule.trim())
    .filter(Boolean);
  for (const rule of rules) parseRule(rule, 0);
  return rules;
}

/** What a switch did, by `Service:Operation`. */
export interface FaultStats {
  injected: Record<string, number>;
  duplicated: Record<string, number>;
}

/** Thrown in place of the AWS call. */
export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
}

/** A small seeded generator, so that a run with faults can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A switch that makes chosen AWS SDK commands fail, slow down, or repeat, for
 * demos and tests. It works as SDK middleware on the clients the handlers use,
 * so handler code has no branch for it. Change it at run time with `set`.
 */
export class FaultSwitch {
  #rules: ParsedRule[] = [];
  readonly #random: () => number;
  readonly #clock: () => number;
  /** What the switch did, by `Service:Operation`. */
  readonly stats: FaultStats = { injected: {}, duplicated: {} };

  constructor(options: { random?: () => number; clock?: () => number } = {}) {
    this.#random = options.random ?? Math.random;
    this.#clock = options.clock ?? Date.now;
  }

  readonly #listeners: ((rules: FaultRule[], at: number) => void)[] = [];
  #setAt = 0;

  /** When the rules were last set, for mirrors of this switch. */
  get setAt(): number {
    return this.#setAt;
  }

  /**
   * Replaces the rules. `at` is when they were set (default now): workers that
   * mirror a switch pass the original time, so outage windows line up.
   */
  set(rules: FaultRule[], at = this.#clock()): void {
    this.#rules = rules.map((rule) => parseRule(rule, at));
    this.#setAt = at;
    for (const listener of this.#listeners) listener(this.rules, at);
  }

  /** Calls `listener` on every `set`, e.g. to pass the rules on to isolated functions. */
  onChange(listener: (rules: FaultRule[], at: number) => void): void {
    this.#listeners.push(listener);
  }

  /** Adds what a mirror of this switch did (in a worker) to this switch's stats. */
  absorb(stats: FaultStats): void {
    for (const table of ["injected", "duplicated"] as const) {
      for (const [key, count] of Object.entries(stats[table]))
        this.stats[table][key] = (this.stats[table][key] ?? 0) + count;
    }
  }

  /** Returns the stats counted since the last call and starts again from zero (a worker reports them this way). */
  takeStats(): FaultStats {
    const taken = { injected: { ...this.stats.injected }, duplicated: { ...this.stats.duplicated } };
    for (const table of Object.values(this.stats)) for (const key of Object.keys(table)) delete table[key];
    return taken;
  }

  get rules(): FaultRule[] {
    return this.#rules.map((rule) => rule.text);
  }

  #matching(service: string, operation: string): ParsedRule[] {
    return this.#rules.filter(
      (rule) => rule.service === service && (rule.operation === "*" || rule.operation === operation),
    );
  }

  #count(table: Record<string, number>, key: string): void {
    table[key] = (table[key] ?? 0) + 1;
  }

  /** Adds the switch to a client as initialize-step middleware. */
  attach(service: "S3" | "SQS" | "SNS" | "DynamoDB", client: MiddlewareHost): void {
    addInitializeMiddleware(client, "ordersFaultSwitch", async (operation, next, args) => {
      const key = `${service}:${operation}`;
      const rules = this.#matching(service, operation);
      const now = this.#clock();
      for (const rule of rules) {
        if (rule.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, rule.latencyMs));
        const active = now >= rule.from && now < rule.until;
        if (active && rule.rate > 0 && this.#random() < rule.rate) {
          this.#count(this.stats.injected, key);
          throw new InjectedFault(`Injected fault: ${key} (${rule.text})`);
        }
      }
      const result = await next(args);
      if (rules.some((rule) => rule.duplicate > 0 && this.#random() < rule.duplicate)) {
        this.#count(this.stats.duplicated, key);
        await next(args);
      }
      return result;
    });
  }
}
