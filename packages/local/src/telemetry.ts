/**
 * The local face of Powertools' output. Handlers write JSON logs and EMF
 * metrics to stdout exactly as on Lambda; here each JSON log line becomes one
 * readable line, and each EMF document adds to in-memory counters that
 * `GET /_local/metrics` shows, and to per-minute readings, the last
 * {@link KEPT_MINUTES} of them, that the runtime's CloudWatch stand-in
 * (local-cloudwatch.ts) answers GetMetricData from. Nothing changes in the
 * handlers.
 */

/** Minutes of readings kept: the console overview's longest window; older minutes are dropped. */
export const KEPT_MINUTES = 180;
const MINUTE_MS = 60_000;

const KEPT_FIELDS = [
  "orderId",
  "submissionId",
  "outcome",
  "status",
  "attempt",
  "retryInSeconds",
  "code",
  "reason",
  "failing",
];

interface PowertoolsLog {
  level: string;
  message: string;
  timestamp: string;
  function_name?: string;
  error?: { name?: string; message?: string };
  [key: string]: unknown;
}

interface EmfDocument {
  _aws: { Timestamp?: number; CloudWatchMetrics: { Namespace?: string; Metrics: { Name: string }[] }[] };
  [key: string]: unknown;
}

/** One readable line for a Powertools JSON log, e.g. `INFO order processed orderId=… outcome=original`. */
export function readableLog(log: PowertoolsLog): string {
  const fields = KEPT_FIELDS.filter((key) => log[key] !== undefined).map((key) => `${key}=${String(log[key])}`);
  if (log.error?.message) fields.push(`error="${log.error.name ?? "Error"}: ${log.error.message}"`);
  const time = log.timestamp.slice(11, 23);
  return `${time} ${log.level.padEnd(5)} ${log.message}${fields.length ? ` ${fields.join(" ")}` : ""}`;
}

export interface TelemetryOptions {
  /** Print the readable log lines (else only count metrics). */
  echo?: boolean;
  streams?: NodeJS.WriteStream[];
}

/** A reading's series: a metric's namespace and name, and for a queue's depth the queue (`AWS/SQS/<metric>/<queue>`). */
export const seriesKey = (namespace: string, name: string, queueName?: string) =>
  [namespace, name, ...(queueName ? [queueName] : [])].join("/");

export class LocalTelemetry {
  readonly counters: Record<string, number> = {};
  /** By minute (its start, in ms), each series' reading: a count's sum, a gauge's largest value. */
  readonly #minutes = new Map<number, Map<string, number>>();
  readonly #echo: boolean;
  readonly #streams: NodeJS.WriteStream[];
  #restore: (() => void) | undefined;

  constructor(options: TelemetryOptions = {}) {
    this.#echo = options.echo ?? true;
    this.#streams = options.streams ?? [process.stdout, process.stderr];
  }

  /** Takes over stdout and stderr (Powertools writes warnings and errors there) until `uninstall`. */
  install(): void {
    const restores = this.#streams.map((stream) => this.#wrap(stream));
    this.#restore = () => {
      for (const restore of restores) restore();
    };
  }

  #wrap(stream: NodeJS.WriteStream): () => void {
    const original = stream.write.bind(stream);
    let pending = "";
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      pending += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      const shown = lines.map((line) => this.#transform(line)).filter((line) => line !== undefined);
      return original(shown.length ? `${shown.join("\n")}\n` : "", ...(rest as []));
    }) as typeof stream.write;
    return () => {
      stream.write = original;
    };
  }

  uninstall(): void {
    this.#restore?.();
  }

  /** The line to print for one line of output, or undefined to print nothing. */
  #transform(line: string): string | undefined {
    if (!line.startsWith("{")) return line;
    // Not echoing: only metrics matter, and only EMF lines carry "_aws".
    if (!this.#echo && !line.includes('"_aws"')) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return line;
    }
    const document = parsed as Partial<EmfDocument & PowertoolsLog>;
    if (document._aws?.CloudWatchMetrics) {
      this.#count(document as EmfDocument);
      return undefined;
    }
    if (typeof document.level === "string" && typeof document.message === "string" && document.timestamp) {
      return this.#echo ? readableLog(document as PowertoolsLog) : undefined;
    }
    return line;
  }

  #count(document: EmfDocument): void {
    const at = document._aws.Timestamp ?? Date.now();
    for (const directive of document._aws.CloudWatchMetrics) {
      for (const { Name } of directive.Metrics) {
        const value = document[Name];
        const total = Array.isArray(value) ? value.reduce((sum: number, v) => sum + Number(v), 0) : Number(value);
        const counted = Number.isFinite(total) ? total : 0;
        this.counters[Name] = (this.counters[Name] ?? 0) + counted;
        this.record(seriesKey(directive.Namespace ?? "", Name), counted, at, "sum");
      }
    }
  }

  /** Adds a reading to its minute: summed with the minute's others (a count), or the largest kept (a gauge). */
  record(key: string, value: number, atMs: number, how: "sum" | "max"): void {
    const minute = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
    let readings = this.#minutes.get(minute);
    if (!readings) {
      readings = new Map();
      this.#minutes.set(minute, readings);
      for (const kept of this.#minutes.keys())
        if (kept <= minute - KEPT_MINUTES * MINUTE_MS) this.#minutes.delete(kept);
    }
    const before = readings.get(key);
    readings.set(key, before === undefined ? value : how === "sum" ? before + value : Math.max(before, value));
  }

  /** A series' readings in the minutes from `from` (inclusive) to `to` (exclusive), oldest first. */
  series(key: string, from: Date, to: Date): { at: Date; value: number }[] {
    return [...this.#minutes.entries()]
      .filter(([minute, readings]) => minute >= from.getTime() && minute < to.getTime() && readings.has(key))
      .sort(([a], [b]) => a - b)
      .map(([minute, readings]) => ({ at: new Date(minute), value: readings.get(key) ?? 0 }));
  }
}
