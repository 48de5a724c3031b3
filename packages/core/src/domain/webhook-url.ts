import { isIP } from "node:net";
import { specialRangeOf } from "./special-addresses.ts";

/**
 * Which webhook URLs are safe to call from inside the VPC-less Lambda: the
 * rules that keep a registered webhook from reaching the metadata service,
 * private networks or the function's own loopback (SSRF).
 */
export interface WebhookPolicy {
  /** `http:` to a loopback host, and loopback addresses, are allowed: the local runtime only. */
  allowLoopbackHttp: boolean;
}

export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The longest webhook URL accepted, in characters. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Names that resolve inside a network, never to a public receiver. */
const PRIVATE_NAME = /(^|\.)(localhost|internal|local)$/;

/**
 * Checks a webhook URL against the policy: https only (http only to loopback,
 * when the policy allows it), no credentials, no private names, no IP literal
 * in a special-purpose range, and port 443 only (any port to loopback, when
 * the policy allows it). The returned URL is the normalised one to use.
 * Names are checked here; their resolved addresses are checked by the sender.
 */
export function checkWebhookUrl(raw: string, policy: WebhookPolicy): WebhookUrlCheck {
  if (typeof raw !== "string" || raw.length === 0) return refuse("the URL is empty");
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return refuse(`the URL is over ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("the URL does not parse");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return refuse("the scheme must be https");
  if (url.username !== "" || url.password !== "") return refuse("the URL must not carry a username or password");

  const host = hostOf(url);
  if (host === "") return refuse("the URL has no host");
  const localLoopback = policy.allowLoopbackHttp && isLoopbackHost(host);
  if (url.protocol === "http:" && !localLoopback) return refuse("the scheme must be https");

  if (isIP(host) !== 0) {
    const forbidden = forbiddenAddressReason(host, policy);
    if (forbidden !== undefined) return refuse(`the host is ${forbidden}`);
  } else if (!localLoopback) {
    if (PRIVATE_NAME.test(host)) return refuse("the host is a local or internal name");
    // A single-label name resolves through the search domains, i.e. inside the network.
    if (!host.includes(".")) return refuse("the host must be a fully qualified domain name");
  }
  // Another port is another service on the same host (an admin interface, a database): only the local
  // runtime's receivers on loopback listen elsewhere. The URL parser drops a default port (:443).
  if (url.port !== "" && !localLoopback)
    return refuse(`port ${url.port} is not allowed: webhooks are called on 443 only`);
  return { ok: true, url };
}

/**
 * Why an address must never be called, or undefined when it may be: it is in
 * a special-purpose range (private, loopback unless the policy allows it,
 * link-local with the metadata endpoints, documentation, translation, ...;
 * see special-addresses.ts), or it is not an IP address at all.
 */
export function forbiddenAddressReason(ip: string, policy: WebhookPolicy): string | undefined {
  const address = unbracket(ip);
  if (isIP(address.replace(/%.*$/, "")) === 0) return "not an IP address";
  const range = specialRangeOf(address);
  if (range === undefined || (range.loopback && policy.allowLoopbackHttp)) return undefined;
  return `a private, loopback or reserved address (${range.cidr}, ${range.name})`;
}

/** Whether an address must never be called: see `forbiddenAddressReason`. */
export function isForbiddenAddress(ip: string, policy: WebhookPolicy): boolean {
  return forbiddenAddressReason(ip, policy) !== undefined;
}

function refuse(reason: string): WebhookUrlCheck {
  return { ok: false, reason };
}

/** The hostname without IPv6 brackets or trailing dots, lower case. */
function hostOf(url: URL): string {
  return unbracket(url.hostname).replace(/\.+$/, "").toLowerCase();
}

/** A URL host without the brackets of an IPv6 literal. */
export function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function isLoopbackHost(host: string): boolean {
  if (host === "localhost") return true;
  return isIP(host) !== 0 && specialRangeOf(host)?.loopback === true;
}
