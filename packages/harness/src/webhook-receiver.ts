import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as sent: what the signature covers. */
  rawBody: string;
  answered: number;
}

/**
 * A webhook receiver on 127.0.0.1 that records every POST. `failNext(n)`
 * makes the next n deliveries answer 500, as a receiver that is down would;
 * `refuse` decides for each delivery whether it answers 500 anyway.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  #server: Server | undefined;
  #failures = 0;
  readonly #refuse: () => boolean;

  constructor(refuse: () => boolean = () => false) {
    this.#refuse = refuse;
  }

  async start(): Promise<string> {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const answered = this.#failures > 0 || this.#refuse() ? 500 : 204;
        if (this.#failures > 0) this.#failures -= 1;
        this.received.push({
          path: request.url ?? "",
          headers: request.headers,
          rawBody: Buffer.concat(chunks).toString("utf8"),
          answered,
        });
        response.writeHead(answered).end();
      });
    });
    const server = this.#server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  failNext(deliveries: number): void {
    this.#failures = deliveries;
  }

  /** The deliveries the receiver accepted (2xx), as parsed events. */
  accepted(): { eventId: string; type: string; orderId: string; order: Record<string, unknown> }[] {
    return this.received.filter((delivery) => delivery.answered < 300).map((delivery) => JSON.parse(delivery.rawBody));
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
