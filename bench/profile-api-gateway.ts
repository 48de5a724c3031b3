/**
 * The local API's own overhead per request: what the HTTP → API Gateway v2
 * adapter (packages/local/src/api-gateway.ts) adds to a request, beside what
 * any Node HTTP server spends on it anyway.
 *
 * - The adapter: route matching over the manifest's routes, the body read,
 *   the payload-2.0 event built, and the handler's result written back, each
 *   timed in CPU over many calls on in-memory requests (a POST /orders with a
 *   JSON order and a browser's headers; a GET /orders/{id} with a query).
 * - The local JWT authorizer (packages/local/src/jwt-authorizer.ts): one
 *   caller's ES256 token checked as API Gateway checks it, per request.
 * - The reference: a keep-alive HTTP round trip on loopback to a bare
 *   node:http server that reads the body and answers 202, client and server
 *   in this process, in CPU per request.
 *
 * `node bench/profile-api-gateway.ts` prints the figures.
 */

import { mkdtempSync } from "node:fs";
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { round } from "@orders/harness/stats";
import { routes } from "../infra/manifest.ts";
import { readBody, routeMatcher, toApiEvent, writeResult } from "../packages/local/src/api-gateway.ts";
import { authorize } from "../packages/local/src/jwt-authorizer.ts";
import { issuerKeyFile, LocalIssuer } from "../packages/local/src/local-issuer.ts";

const ORDER = JSON.stringify({
  id: "order-000123",
  amount: 25,
  fromAccount: "1111111",
  toAccount: "7777777",
  channel: "web",
  items: [
    { sku: "KB-01", quantity: 1, unitPrice: 12.5 },
    { sku: "MS-02", quantity: 1, unitPrice: 12.5 },
  ],
});
const HEADERS = {
  host: "localhost:3000",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/147.0 Safari/537.36",
  accept: "application/json",
  "accept-language": "en-GB,en;q=0.9",
  "accept-encoding": "gzip, deflate, br",
  "content-type": "application/json",
  "content-length": String(Buffer.byteLength(ORDER)),
  "idempotency-key": "5b2b8f1e-6f5d-4a8e-9d6a-2f0c1a7e9b10",
  origin: "http://localhost:3000",
  connection: "keep-alive",
};

const GET_HEADERS = { ...HEADERS, "content-length": undefined, "content-type": undefined };

/** A request's head, as node:http hands it to the server: all the event needs. */
function head(method: string, url: string): IncomingMessage {
  return {
    method,
    url,
    headers: method === "GET" ? GET_HEADERS : HEADERS,
    httpVersion: "1.1",
    socket: { remoteAddress: "127.0.0.1" },
  } as unknown as IncomingMessage;
}

/** A request with its body, as a stream. */
const incoming = (body: string) => Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;

/** A response that only takes what the adapter writes: the socket's work is the same for any server. */
const sink = { writeHead: () => sink, end: () => sink } as unknown as ServerResponse;

const accepted = {
  statusCode: 202,
  headers: { "content-type": "application/json", "access-control-allow-origin": "*" },
  body: JSON.stringify({ orderId: "order-000123", status: "ACCEPTED" }),
};

function cpuUs(): number {
  const used = process.cpuUsage();
  return used.user + used.system;
}

/** CPU µs per call of `work`, over `calls` calls after a warm-up. */
async function perCall(calls: number, work: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(2000, calls); i++) await work();
  const started = cpuUs();
  for (let i = 0; i < calls; i++) await work();
  return (cpuUs() - started) / calls;
}

/** A bare node:http round trip on loopback, client and server in this process: CPU µs per request. */
async function bareRoundTrip(requests: number): Promise<number> {
  const server = createServer(async (request, response) => {
    for await (const _ of request);
    response.writeHead(202, { "content-type": "application/json" });
    response.end(accepted.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const sent = httpRequest(
        { host: "127.0.0.1", port, method: "POST", path: "/orders", headers: HEADERS, agent },
        (response) => response.resume().on("end", resolve),
      );
      sent.on("error", reject);
      sent.end(ORDER);
    });
  const us = await perCall(requests, once);
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  return us;
}

/** The adapter's CPU per request, by step, against a bare HTTP round trip's. */
export async function apiGatewayOverhead(calls = 20_000) {
  const match = routeMatcher(routes);
  const post = match("POST", "/orders");
  const get = match("GET", "/orders/order-000123");
  if (!post || !get) throw new Error("the manifest has no POST /orders or GET /orders/{id}");
  const matchUs = await perCall(calls, () => match("GET", "/orders/order-000123"));
  // A bare server reads the body too: only what readBody adds to that counts.
  const drainUs = await perCall(calls, async () => {
    for await (const _ of incoming(ORDER));
  });
  const readUs = await perCall(calls, () => readBody(incoming(ORDER)));
  const body = Buffer.from(ORDER);
  const postEvent = await perCall(calls, () => toApiEvent(head("POST", "/orders"), body, post));
  const getEvent = await perCall(calls, () =>
    toApiEvent(head("GET", "/orders/order-000123?view=full"), Buffer.alloc(0), get),
  );
  const writeUs = await perCall(calls, () => writeResult(sink, accepted));
  const readBodyUs = Math.max(0, readUs - drainUs);
  const adapterUs = matchUs + readBodyUs + postEvent + writeUs;
  const roundTripUs = await bareRoundTrip(Math.min(calls, 5000));
  const issuer = await LocalIssuer.open(issuerKeyFile(mkdtempSync(join(tmpdir(), "bench-issuer-"))));
  const bearer = `Bearer ${await issuer.mint({ kind: "channel", subject: "bench" })}`;
  const jwtUs = await perCall(Math.min(calls, 5000), () => authorize("caller", bearer, issuer));
  return {
    matchUs: round(matchUs, 2),
    readBodyUs: round(readBodyUs, 2),
    postEventUs: round(postEvent, 2),
    getEventUs: round(getEvent, 2),
    writeResultUs: round(writeUs, 2),
    adapterUs: round(adapterUs, 1),
    bareRoundTripUs: round(roundTripUs, 1),
    adapterShare: round(adapterUs / (adapterUs + roundTripUs), 3),
    jwtCheckUs: round(jwtUs, 1),
  };
}

if (import.meta.main) {
  const result = await apiGatewayOverhead();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
