import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { HttpsWebhookSender, type ResolvedAddress } from "@orders/core/adapters/https-webhook-sender";
import { WebhookDeliveryError } from "@orders/core/domain/errors";
import { generate } from "selfsigned";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let server: Server;
let base: string;
let port: number;
const received: Received[] = [];
let respond: (request: IncomingMessage, response: ServerResponse) => void = (_, response) => response.end();

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      respond(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterEach(() => {
  received.length = 0;
  respond = (_, response) => response.end();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const local = { allowLoopbackHttp: true };
const body = JSON.stringify({ eventId: "evt-1", type: "order.confirmed" });

/** A deployed stage's sender (https only) whose every lookup answers `addresses`; `lookups()` counts them. */
function deployedSender(addresses: ResolvedAddress[] = [{ address: "93.184.216.34", family: 4 }]) {
  let lookups = 0;
  const sender = new HttpsWebhookSender({
    policy: { allowLoopbackHttp: false },
    resolve: async () => {
      lookups += 1;
      return addresses;
    },
  });
  return { sender, lookups: () => lookups };
}

describe("HttpsWebhookSender", () => {
  it("POSTs the body as JSON with the given headers and its user agent, and answers the 2xx status", async () => {
    // Arrange
    respond = (_, response) => response.writeHead(204).end();
    const sender = new HttpsWebhookSender({ policy: local });
    // Act
    const result = await sender.post(`${base}/hooks/orders?x=1`, body, {
      "Orders-Signature": "t=1,v1=ab",
      "user-agent": "spoofed",
      host: "evil.example",
    });
    // Assert
    expect(result).toEqual({ status: 204 });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: "POST",
      url: "/hooks/orders?x=1",
      body,
      headers: {
        "content-type": "application/json",
        "user-agent": "orders-webhooks/1",
        "orders-signature": "t=1,v1=ab",
        host: `127.0.0.1:${port}`,
        "content-length": String(Buffer.byteLength(body)),
      },
    });
  });

  it("returns a 500 as a status, not an error, reading only the first few KB of a large answer", async () => {
    respond = (_, response) => {
      response.writeHead(500, { "content-type": "text/plain" });
      response.write("x".repeat(64 * 1024));
      // Never ends: the sender must not wait for the rest.
    };
    const sender = new HttpsWebhookSender({ policy: local, timeoutMs: 2000 });
    const started = Date.now();
    expect(await sender.post(`${base}/fail`, body, {})).toEqual({ status: 500 });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("does not follow a redirect: the 3xx is the answer", async () => {
    respond = (request, response) => {
      if (request.url === "/moved") response.writeHead(302, { location: `${base}/target` }).end();
      else response.writeHead(200).end();
    };
    const sender = new HttpsWebhookSender({ policy: local });
    expect(await sender.post(`${base}/moved`, body, {})).toEqual({ status: 302 });
    expect(received.map((request) => request.url)).toEqual(["/moved"]);
  });

  it("gives up after the timeout with a WebhookDeliveryError", async () => {
    respond = () => {
      // Never answers.
    };
    const sender = new HttpsWebhookSender({ policy: local, timeoutMs: 200 });
    const started = Date.now();
    const error = await sender.post(`${base}/slow`, body, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).reason).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses a host that resolves to a private address, before connecting", async () => {
    let connected = false;
    respond = (_, response) => {
      connected = true;
      response.end();
    };
    const { sender } = deployedSender([{ address: "10.0.0.1", family: 4 }]);
    const error = await sender.post("https://hooks.example.com/orders", body, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebhookDeliveryError);
    expect((error as WebhookDeliveryError).reason).toMatch(/private, loopback or reserved/);
    expect(connected).toBe(false);
  });

  it("refuses when ANY resolved address is forbidden (one public, one metadata)", async () => {
    const { sender } = deployedSender([
      { address: "93.184.216.34", family: 4 },
      { address: "169.254.169.254", family: 4 },
    ]);
    await expect(sender.post("https://hooks.example.com/orders", body, {})).rejects.toThrow(WebhookDeliveryError);
  });

  it.each([
    ["192.0.2.10", 4, "192.0.2.0/24"],
    ["198.51.100.10", 4, "198.51.100.0/24"],
    ["203.0.113.10", 4, "203.0.113.0/24"],
    ["2001:db8::10", 6, "2001:db8::/32"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", 6, "2001::/32"],
    ["2002:808:808::1", 6, "2002::/16"],
    ["64:ff9b::808:808", 6, "64:ff9b::/96"],
  ])(
    "refuses a host that resolves to the reserved %s, naming the range, before connecting",
    async (address, family, range) => {
      // Arrange
      const { sender } = deployedSender([{ address, family }]);
      // Act
      const error = await sender.post("https://hooks.example.com/orders", body, {}).catch((caught: unknown) => caught);
      // Assert
      expect(error).toBeInstanceOf(WebhookDeliveryError);
      expect((error as WebhookDeliveryError).reason).toContain(range);
      expect(received).toHaveLength(0);
    },
  );

  it("refuses a port other than 443 on a deployed stage, without resolving", async () => {
    // Arrange
    const { sender, lookups } = deployedSender();
    // Act
    const error = await sender
      .post("https://hooks.example.com:8443/orders", body, {})
      .catch((caught: unknown) => caught);
    // Assert
    expect((error as WebhookDeliveryError).reason).toContain("port 8443");
    expect(lookups()).toBe(0);
  });

  it("connects to the address it checked, whatever the name resolves to later (no DNS rebinding)", async () => {
    // Arrange: a receiver on 127.0.0.2 only, where the system's "localhost" never goes; the
    // resolver answers 127.0.0.2 once, then the metadata address.
    const pinnedServer = createServer((request, response) => {
      received.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: "" });
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => pinnedServer.listen(0, "127.0.0.2", resolve));
    const pinnedPort = (pinnedServer.address() as AddressInfo).port;
    const answers = [[{ address: "127.0.0.2", family: 4 }], [{ address: "169.254.169.254", family: 4 }]];
    let lookups = 0;
    const sender = new HttpsWebhookSender({
      policy: local,
      resolve: async () => answers[Math.min(lookups++, 1)] ?? [],
    });
    try {
      // Act
      const result = await sender.post(`http://localhost:${pinnedPort}/pinned`, body, {});
      // Assert: one lookup; the request reached the checked address, with the name as Host.
      expect(result).toEqual({ status: 200 });
      expect(lookups).toBe(1);
      expect(received[0]).toMatchObject({ url: "/pinned", headers: { host: `localhost:${pinnedPort}` } });
    } finally {
      await new Promise((resolve) => pinnedServer.close(resolve));
    }
  });

  it("refuses what the URL policy refuses, without resolving or connecting", async () => {
    const { sender, lookups } = deployedSender();
    for (const url of [`${base}/x`, "https://169.254.169.254/", "https://metadata.google.internal/", "ftp://a.b/"]) {
      await expect(sender.post(url, body, {}), url).rejects.toThrow(WebhookDeliveryError);
    }
    expect(lookups()).toBe(0);
    expect(received).toHaveLength(0);
  });

  it("turns a DNS failure and a refused connection into WebhookDeliveryError", async () => {
    const noDns = new HttpsWebhookSender({
      policy: local,
      resolve: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    await expect(noDns.post("https://nowhere.example.com/", body, {})).rejects.toMatchObject({
      name: "WebhookDeliveryError",
      reason: "the host name does not resolve",
    });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const sender = new HttpsWebhookSender({ policy: local });
    await expect(sender.post(`http://127.0.0.1:${closedPort}/`, body, {})).rejects.toMatchObject({
      name: "WebhookDeliveryError",
      reason: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("times out a resolver that never answers", async () => {
    const sender = new HttpsWebhookSender({
      policy: local,
      timeoutMs: 100,
      resolve: () => new Promise(() => {}),
    });
    await expect(sender.post("https://hang.example.com/", body, {})).rejects.toMatchObject({
      reason: expect.stringMatching(/timed out/),
    });
  });
});

/** A self-signed certificate for `name`, made in process (no openssl needed on the machine). */
async function selfSigned(name: string): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: "commonName", value: name }], {
    keyType: "ec",
    algorithm: "sha256",
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: name }] }],
  });
  return { key: pems.private, cert: pems.cert };
}

const tls = await selfSigned("localhost");

describe("HttpsWebhookSender over TLS, pinned to the checked address", () => {
  it("verifies the certificate against the URL's host name (SNI and Host too), not the address it connects to", async () => {
    // Arrange: a TLS receiver on 127.0.0.1 with a certificate for localhost only (no address in it),
    // which the resolver maps there. Only loopback may use another port than 443.
    const { key, cert } = tls;
    const seen: { servername?: string; host?: string }[] = [];
    const server = createTlsServer({ key, cert }, (request, response) => {
      seen.push({
        servername: (request.socket as unknown as { servername?: string }).servername,
        host: request.headers.host,
      });
      response.writeHead(202).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const tlsPort = (server.address() as AddressInfo).port;
    const resolve = async () => [{ address: "127.0.0.1", family: 4 }];
    try {
      // Act
      const trusted = new HttpsWebhookSender({ policy: local, resolve, ca: cert });
      const result = await trusted.post(`https://localhost:${tlsPort}/orders`, body, {});
      const untrusted = new HttpsWebhookSender({ policy: local, resolve });
      const refused = await untrusted.post(`https://localhost:${tlsPort}/orders`, body, {}).catch((e: unknown) => e);
      const wrongName = new HttpsWebhookSender({ policy: local, resolve, ca: cert });
      const mismatch = await wrongName.post(`https://127.0.0.1:${tlsPort}/orders`, body, {}).catch((e: unknown) => e);
      // Assert
      expect(result).toEqual({ status: 202 });
      expect(seen[0]).toEqual({ servername: "localhost", host: `localhost:${tlsPort}` });
      expect(refused).toBeInstanceOf(WebhookDeliveryError);
      expect(mismatch).toBeInstanceOf(WebhookDeliveryError);
      expect((mismatch as WebhookDeliveryError).reason).toContain("ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
