import { defaultApiUrl } from "./args.ts";

/**
 * The admin API from a terminal: ORDERS_API_URL (default
 * http://localhost:$PORT, else 3000) and ORDERS_ADMIN_TOKEN, or --url and --token.
 * Shared by `npm run orders`, `npm run audit` and `npm run dlq`.
 */

export interface AdminClient {
  /** Calls the API; on any answer but a 2xx, prints `<name>: <status> <CODE>: <message>` and exits. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** The same, also handing back the status of a 2xx (201 and 202 say something). */
  send<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Prints `<name>: <message>` to stderr and exits with the client's error code. */
  fail(message: string): never;
}

export interface ClientOptions {
  url?: string | undefined;
  token?: string | undefined;
  /** The command's name, prefixed to every error. */
  name: string;
  /** The exit code of an HTTP or connection error. */
  errorExitCode: number;
  /** Headers sent with every request besides the token's. (The audit names the token's operator, not a header.) */
  headers?: Record<string, string>;
}

const REQUEST_TIMEOUT_MS = 60_000;
/** Tries of a throttled request (429) before giving up. */
const THROTTLED_TRIES = 6;

/** A client of the admin API for one CLI command. */
export function adminClient(options: ClientOptions): AdminClient {
  const baseUrl = (options.url ?? defaultApiUrl()).replace(/\/$/, "");
  const token = options.token ?? process.env.ORDERS_ADMIN_TOKEN;
  const fail = (message: string): never => {
    process.stderr.write(`${options.name}: ${message}\n`);
    process.exit(options.errorExitCode);
  };
  async function send<T>(method: string, path: string, body?: unknown) {
    if (!token) fail("set ORDERS_ADMIN_TOKEN (npm start prints it) or pass --token");
    const attempt = () =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: { ...options.headers, authorization: `Bearer ${token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // Longer than any route's own timeout (29 s): a stalled server ends the command, never hangs it.
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).catch((error: Error) => fail(`cannot reach ${baseUrl}: ${error.message}`));
    let response = await attempt();
    // Throttled by the gateway, before any function ran: safe to send again, POSTs too, after Retry-After
    // (the local gateway's; the deployed API Gateway sends none, so a second).
    for (let tries = 1; response.status === 429 && tries < THROTTLED_TRIES; tries++) {
      const wait = Number(response.headers.get("retry-after")) || 1;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 30) * 1_000));
      response = await attempt();
    }
    const payload = (await response.json().catch(() => ({}))) as T & {
      error?: string;
      message?: string;
      details?: unknown;
    };
    if (!response.ok) {
      const details = payload.details ? `\n${JSON.stringify(payload.details, null, 2)}` : "";
      fail(`${response.status} ${payload.error ?? "ERROR"}: ${payload.message ?? "request failed"}${details}`);
    }
    return { status: response.status, body: payload as T };
  }
  return {
    send,
    async call<T>(method: string, path: string, body?: unknown) {
      return (await send<T>(method, path, body)).body;
    },
    fail,
  };
}
