/**
 * The local face of Powertools' output. Handlers write JSON logs and EMF
 * metrics to stdout exactly as on Lambda; here each JSON log line becomes one
 * readable line, and each EMF document adds to in-memory counters that
 * `GET /_local/metrics` shows. Nothing changes in the handlers.
 */

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
  _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
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

export class LocalTelemetry {
  readonly counters: Record<string, number> = {};
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
    for (const directive of document._aws.CloudWatchMetrics) {
      for (const { Name } of directive.Metrics) {
        const value = document[Name];
        const total = Array.isArray(value) ? value.reduce((sum: number, v) => sum + Number(v), 0) : Number(value);
        this.counters[Name] = (this.counters[Name] ?? 0) + (Number.isFinite(total) ? total : 0);
      }
    }
  }
}
