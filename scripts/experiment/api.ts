/** The API as the experiment calls it: JSON in and out, as an operator (its token on every call), retries on what the API says to retry. */
export interface Api {
  url: string;
  token: string;
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
}

/** Answers that say "try again": a dependency was down (503, with Retry-After), or the gateway gave up. */
const RETRYABLE = new Set([429, 502, 503, 504]);
const ATTEMPTS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface CallOptions {
  body?: unknown;
  /** How many tries at most (10 by default). */
  attempts?: number;
}

/**
 * One API call, retried with backoff (0.1 s doubling to 2 s) on a retryable
 * status or a network error, at most `attempts` times; then the last answer
 * (or error) is the caller's.
 */
export async function call<T = unknown>(
  api: Api,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  // The experiment calls as an operator: it submits for every payer and reads every order.
  headers.authorization = `Bearer ${api.token}`;
  const attempts = options.attempts ?? ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`${api.url}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const body = (text ? JSON.parse(text) : undefined) as T;
      if (!RETRYABLE.has(response.status) || attempt >= attempts) return { status: response.status, body };
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    await sleep(Math.min(2000, 100 * 2 ** (attempt - 1)));
  }
}

/** Like `call`, but anything other than the expected statuses is an error. */
export async function expect<T = unknown>(
  api: Api,
  method: string,
  path: string,
  statuses: number[],
  options: CallOptions = {},
): Promise<Reply<T>> {
  const reply = await call<T>(api, method, path, options);
  if (!statuses.includes(reply.status)) {
    throw new Error(`${method} ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
  return reply;
}
