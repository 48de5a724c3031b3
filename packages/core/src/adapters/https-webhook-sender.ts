import { lookup as dnsLookup } from "node:dns/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { WebhookDeliveryError } from "../domain/errors.ts";
import { checkWebhookUrl, forbiddenAddressReason, unbracket, type WebhookPolicy } from "../domain/webhook-url.ts";
import type { WebhookSender } from "../ports.ts";

/** One resolved address of a host. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (`dns.lookup` with `all: true`). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface HttpsWebhookSenderOptions {
  policy: WebhookPolicy;
  /** The whole request, DNS to the last byte read: 5 s by default. */
  timeoutMs?: number;
  /** For tests: resolves host names instead of the system resolver. */
  resolve?: HostResolver;
  /** For tests: the certificates to trust instead of Node's bundle. */
  ca?: string;
}

/** The most of a receiver's answer read before it is dropped: only the status matters. */
const MAX_RESPONSE_BYTES = 4096;
const USER_AGENT = "orders-webhooks/1";
/** Headers the caller cannot set: they would change where or what is sent. */
const RESERVED_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection"]);

const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * `WebhookSender` over node:http(s), hardened against SSRF: the URL is checked
 * again, every address the host resolves to must be allowed, and the
 * connection goes to the address that was checked (a pinned `lookup`), so a
 * DNS answer that changes between the check and the connect (rebinding)
 * cannot redirect it. TLS still verifies the certificate for the host name.
 * Redirects are never followed; the request has one overall deadline.
 */
export class HttpsWebhookSender implements WebhookSender {
  readonly #policy: WebhookPolicy;
  readonly #timeoutMs: number;
  readonly #resolve: HostResolver;
  readonly #ca: string | undefined;

  constructor(options: HttpsWebhookSenderOptions) {
    this.#policy = options.policy;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#resolve = options.resolve ?? systemResolver;
    this.#ca = options.ca;
  }

  async post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number }> {
    const checked = checkWebhookUrl(url, this.#policy);
    if (!checked.ok) throw new WebhookDeliveryError(checked.reason);
    const signal = AbortSignal.timeout(this.#timeoutMs);
    const targets = await this.#checkedAddresses(checked.url, signal);
    return this.#send(checked.url, targets, body, headers, signal);
  }

  /** The addresses to connect to, once every address of the host has passed the policy. */
  async #checkedAddresses(url: URL, signal: AbortSignal): Promise<ResolvedAddress[]> {
    const host = unbracket(url.hostname);
    const family = isIP(host);
    const addresses = family !== 0 ? [{ address: host, family }] : await this.#lookup(host, signal);
    if (addresses.length === 0) throw new WebhookDeliveryError("the host has no address");
    for (const { address } of addresses) {
      const forbidden = forbiddenAddressReason(address, this.#policy);
      if (forbidden !== undefined) throw new WebhookDeliveryError(`the host resolves to ${forbidden}`);
    }
    return addresses;
  }

  async #lookup(host: string, signal: AbortSignal): Promise<ResolvedAddress[]> {
    if (signal.aborted) throw new WebhookDeliveryError(`timed out after ${this.#timeoutMs} ms`);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new WebhookDeliveryError(`timed out after ${this.#timeoutMs} ms`));
      signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([
        this.#resolve(host).catch((cause: unknown) => {
          throw new WebhookDeliveryError("the host name does not resolve", { cause });
        }),
        aborted,
      ]);
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }

  #send(
    url: URL,
    targets: ResolvedAddress[],
    body: string,
    extraHeaders: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ status: number }> {
    // Only checked addresses, IPv4 first (a Lambda outside a VPC has no IPv6 egress). Node asks with
    // `all: true` when it may try several (autoSelectFamily), else for one.
    const ordered = [...targets.filter(({ family }) => family === 4), ...targets.filter(({ family }) => family !== 4)];
    const pinned: LookupFunction = (_hostname, options, callback) => {
      const wanted =
        options.family === 4 || options.family === 6
          ? ordered.filter(({ family }) => family === options.family)
          : ordered;
      const [first] = wanted;
      if (!first) callback(Object.assign(new Error("no checked address of that family"), { code: "ENOTFOUND" }), "", 0);
      else if (options.all)
        callback(
          null,
          wanted.map(({ address, family }) => ({ address, family })),
        );
      else callback(null, first.address, first.family);
    };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(extraHeaders)) {
      if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    }
    headers["content-type"] = "application/json";
    headers["user-agent"] = USER_AGENT;
    headers["content-length"] = String(Buffer.byteLength(body));
    const transport = url.protocol === "https:" ? https : http;

    return new Promise((resolve, reject) => {
      let settled = false;
      let status: number | undefined;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        request?.destroy();
        outcome();
      };
      // Once the status is in, only the (discarded) body is late: the answer stands.
      const fail = (reason: string, cause?: unknown) =>
        settle(() =>
          status === undefined ? reject(new WebhookDeliveryError(reason, { cause })) : resolve({ status }),
        );
      const timedOut = () => fail(`timed out after ${this.#timeoutMs} ms`);
      let request: http.ClientRequest | undefined;
      try {
        request = transport.request(url, {
          method: "POST",
          headers,
          lookup: pinned,
          agent: false,
          signal,
          timeout: this.#timeoutMs,
          // The certificate is still checked against the URL's host name, not the pinned address.
          ...(this.#ca ? { ca: this.#ca } : {}),
        });
      } catch (cause) {
        fail("the request could not be built", cause);
        return;
      }
      request.on("timeout", timedOut);
      request.on("error", (error) =>
        signal.aborted ? timedOut() : fail(`the connection failed (${codeOf(error)})`, error),
      );
      request.on("response", (response: IncomingMessage) => {
        status = response.statusCode ?? 0;
        let read = 0;
        const done = () => settle(() => resolve({ status: status ?? 0 }));
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read >= MAX_RESPONSE_BYTES) done();
        });
        response.on("end", done);
        response.on("aborted", done);
        response.on("error", done);
      });
      request.end(body);
    });
  }
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : "network error";
}
