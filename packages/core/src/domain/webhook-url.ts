import { isIP } from "node:net";

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
 * when the policy allows it), no credentials, no private names, and no IP
 * literal in a forbidden range. The returned URL is the normalised one to use.
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
  const loopback = isLoopbackHost(host);
  if (url.protocol === "http:" && !(policy.allowLoopbackHttp && loopback)) return refuse("the scheme must be https");

  if (isIP(host) !== 0) {
    if (isForbiddenAddress(host, policy)) return refuse("the host is a private, loopback or reserved address");
    return { ok: true, url };
  }
  if (loopback && policy.allowLoopbackHttp) return { ok: true, url };
  if (PRIVATE_NAME.test(host)) return refuse("the host is a local or internal name");
  // A single-label name resolves through the search domains, i.e. inside the network.
  if (!host.includes(".")) return refuse("the host must be a fully qualified domain name");
  return { ok: true, url };
}

/**
 * Whether an address must never be called: private, loopback (unless the
 * policy allows it), link-local (the EC2 and Lambda metadata endpoints),
 * CGNAT, multicast and reserved ranges, in IPv4 or IPv6, including IPv4
 * carried inside IPv6 (mapped, compatible, NAT64, 6to4). Anything that is not
 * an address at all is forbidden too.
 */
export function isForbiddenAddress(ip: string, policy: WebhookPolicy): boolean {
  const address = unbracket(ip).replace(/%.*$/, "");
  const version = isIP(address);
  if (version === 4) return isForbiddenV4(ipv4ToNumber(address), policy);
  if (version === 6) return isForbiddenV6(ipv6ToBytes(address), policy);
  return true;
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
  const version = isIP(host);
  if (version === 4) return ipv4ToNumber(host) >>> 24 === 127;
  if (version === 6) {
    const bytes = ipv6ToBytes(host);
    const embedded = embeddedV4(bytes);
    if (embedded !== undefined) return embedded >>> 24 === 127;
    return bytes.every((byte, i) => byte === (i === 15 ? 1 : 0));
  }
  return false;
}

/** [network, prefix length] */
const FORBIDDEN_V4: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
const FORBIDDEN_V4_RANGES = FORBIDDEN_V4.map(([network, bits]) => ({ network: ipv4ToNumber(network), bits }));

function inV4(address: number, network: number, bits: number): boolean {
  if (bits === 0) return true;
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (address & mask) >>> 0 === (network & mask) >>> 0;
}

function isForbiddenV4(address: number, policy: WebhookPolicy): boolean {
  // 255.255.255.255 is inside 240.0.0.0/4.
  if (inV4(address, ipv4ToNumber("127.0.0.0"), 8)) return !policy.allowLoopbackHttp;
  return FORBIDDEN_V4_RANGES.some(({ network, bits }) => inV4(address, network, bits));
}

/** [first bytes, prefix length in bits] */
const FORBIDDEN_V6: ReadonlyArray<readonly [number[], number]> = [
  [[0xfc], 7], // unique local
  [[0xfe, 0x80], 10], // link-local
  [[0xfe, 0xc0], 10], // site-local (deprecated, still private)
  [[0xff], 8], // multicast
];

function inV6(bytes: Uint8Array, prefix: number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const index = bit / 8;
    const take = Math.min(8, bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

function isForbiddenV6(bytes: Uint8Array, policy: WebhookPolicy): boolean {
  const embedded = embeddedV4(bytes);
  if (embedded !== undefined) return isForbiddenV4(embedded, policy);
  if (bytes.every((byte) => byte === 0)) return true; // ::
  if (bytes.every((byte, i) => byte === (i === 15 ? 1 : 0))) return !policy.allowLoopbackHttp; // ::1
  return FORBIDDEN_V6.some(([prefix, bits]) => inV6(bytes, prefix, bits));
}

/**
 * The IPv4 address an IPv6 address carries, where the network would deliver
 * to it: IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96, SIIT ::ffff:0:0:0/96,
 * NAT64 64:ff9b::/96 and 64:ff9b:1::/48, and 6to4 2002::/16.
 */
function embeddedV4(bytes: Uint8Array): number | undefined {
  const tail = (((bytes[12] ?? 0) << 24) | ((bytes[13] ?? 0) << 16) | ((bytes[14] ?? 0) << 8) | (bytes[15] ?? 0)) >>> 0;
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return tail; // ::ffff:a.b.c.d
  if (zeros(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(10, 12)) return tail; // ::ffff:0:a.b.c.d
  // ::a.b.c.d, but not :: and ::1 themselves
  if (zeros(0, 12) && tail > 1) return tail;
  if (inV6(bytes, [0x00, 0x64, 0xff, 0x9b], 32) && zeros(4, 12)) return tail; // 64:ff9b::/96
  if (inV6(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48)) return tail; // 64:ff9b:1::/48, local-use NAT64
  if (bytes[0] === 0x20 && bytes[1] === 0x02) {
    return (((bytes[2] ?? 0) << 24) | ((bytes[3] ?? 0) << 16) | ((bytes[4] ?? 0) << 8) | (bytes[5] ?? 0)) >>> 0;
  }
  return undefined;
}

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((value, part) => ((value << 8) | Number(part)) >>> 0, 0);
}

/** An IPv6 address (already validated by `isIP`) as its 16 bytes. */
function ipv6ToBytes(address: string): Uint8Array {
  let text = address.toLowerCase();
  const bytes = new Uint8Array(16);
  // A dotted quad at the end stands for the last two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    const v4 = ipv4ToNumber(quad[1]);
    text = `${text.slice(0, -quad[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":").map((group) => Number.parseInt(group, 16)));
  const headGroups = groupsOf(head);
  const tailGroups = tail === undefined ? [] : groupsOf(tail);
  const groups = [...headGroups, ...new Array(8 - headGroups.length - tailGroups.length).fill(0), ...tailGroups];
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}
