import type { IncomingMessage, ServerResponse } from "node:http";

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => unknown;

/**
 * The API port is claimed before anything else starts, so that a taken port
 * fails fast; from that moment a connection can arrive. Until the system is
 * ready, the gate answers every request at once with 503 STARTING and
 * `Retry-After: 1` instead of leaving it unanswered; once opened, it hands
 * every request to the real listener.
 */
export class StartupGate {
  #listener: RequestListener | undefined;

  /** The listener to attach to the server before it listens. */
  readonly handle: RequestListener = async (request, response) => {
    if (this.#listener) {
      try {
        return await this.#listener(request, response);
      } catch (error) {
        // A listener that throws must still answer, never leave the request hanging.
        if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: "Internal Server Error" }));
        process.stderr.write(`request ${request.method} ${request.url} failed: ${(error as Error).message}\n`);
        return;
      }
    }
    // The body is not needed: discard it so the connection can be reused.
    request.resume();
    response.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
    response.end(JSON.stringify({ error: "STARTING", message: "The local system is starting; retry in a second." }));
  };

  /** From now on, requests go to `listener`. */
  open(listener: RequestListener): void {
    this.#listener = listener;
  }
}
