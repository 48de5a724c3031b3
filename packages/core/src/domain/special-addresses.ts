import { isIP } from "node:net";

/**
 * The special-purpose address ranges no webhook may reach: IANA's IPv4 and
 * IPv6 Special-Purpose Address Registries, multicast, and everything in IPv6
 * outside global unicast (2000::/3). This is the one list: the URL check at
 * registration and the check of each resolved address at send time both ask
 * `specialRangeOf`.
 *
 * Every address is placed in one 128-bit space, IPv4 as its IPv4-mapped IPv6
 * form (::ffff:a.b.c.d), so an IPv4 range also covers the mapped spelling of
 * its addresses. Addresses that carry another address (6to4, Teredo, NAT64,
 * IPv4-compatible, SIIT) are refused whole rather than decoded: a receiver has
 * an address of its own, and what a translator forwards to cannot be checked.
 */
export interface SpecialRange {
  /** As registered: `192.0.2.0/24`, `2001:db8::/32`. */
  cidr: string;
  name: string;
  /** Loopback: the only ranges the local runtime may call. */
  loopback?: true;
}

/** First match wins: a block inside a larger one comes first, so that the name is the precise one. */
const REGISTRY: readonly SpecialRange[] = [
  // IPv4
  { cidr: "0.0.0.0/8", name: "this network" },
  { cidr: "10.0.0.0/8", name: "private" },
  { cidr: "100.64.0.0/10", name: "shared address space (CGNAT)" },
  { cidr: "127.0.0.0/8", name: "loopback", loopback: true },
  { cidr: "169.254.0.0/16", name: "link-local (instance metadata)" },
  { cidr: "172.16.0.0/12", name: "private" },
  { cidr: "192.0.0.0/24", name: "IETF protocol assignments" },
  { cidr: "192.0.2.0/24", name: "documentation (TEST-NET-1)" },
  { cidr: "192.31.196.0/24", name: "AS112" },
  { cidr: "192.52.193.0/24", name: "AMT" },
  { cidr: "192.88.99.0/24", name: "6to4 relay anycast (deprecated)" },
  { cidr: "192.168.0.0/16", name: "private" },
  { cidr: "192.175.48.0/24", name: "AS112 direct delegation" },
  { cidr: "198.18.0.0/15", name: "benchmarking" },
  { cidr: "198.51.100.0/24", name: "documentation (TEST-NET-2)" },
  { cidr: "203.0.113.0/24", name: "documentation (TEST-NET-3)" },
  { cidr: "224.0.0.0/4", name: "multicast" },
  { cidr: "240.0.0.0/4", name: "reserved (and broadcast)" },
  // IPv6
  { cidr: "::/128", name: "unspecified" },
  { cidr: "::1/128", name: "loopback", loopback: true },
  { cidr: "::/96", name: "IPv4-compatible (deprecated)" },
  { cidr: "::ffff:0:0:0/96", name: "SIIT IPv4-translated" },
  { cidr: "64:ff9b::/96", name: "NAT64 (carries an IPv4 address)" },
  { cidr: "64:ff9b:1::/48", name: "local-use NAT64" },
  { cidr: "100::/64", name: "discard-only" },
  { cidr: "100:0:0:1::/64", name: "dummy prefix" },
  { cidr: "2001::/32", name: "Teredo (carries an IPv4 address)" },
  { cidr: "2001::/23", name: "IETF protocol assignments" },
  { cidr: "2001:db8::/32", name: "documentation" },
  { cidr: "2002::/16", name: "6to4 (carries an IPv4 address)" },
  { cidr: "2620:4f:8000::/48", name: "AS112 direct delegation" },
  { cidr: "3fff::/20", name: "documentation" },
  { cidr: "5f00::/16", name: "SRv6 SIDs" },
  { cidr: "fc00::/7", name: "unique local" },
  { cidr: "fe80::/10", name: "link-local" },
  { cidr: "fec0::/10", name: "site-local (deprecated)" },
  { cidr: "ff00::/8", name: "multicast" },
];

/** What is neither IPv4 nor global unicast IPv6 is unassigned or reserved: never a receiver. */
const OUTSIDE_GLOBAL_UNICAST: SpecialRange = { cidr: "2000::/3", name: "outside IPv6 global unicast" };
const GLOBAL_UNICAST = prefixOf("2000::/3");
const IPV4_MAPPED = prefixOf("::ffff:0:0/96");

const MATCHERS = REGISTRY.map((range) => ({ range, ...prefixOf(range.cidr) }));

/**
 * The special-purpose range an IP address is in, or undefined for an address
 * a public receiver may have. `address` must be an IP address (`isIP` ≠ 0);
 * an IPv6 zone (`%eth0`) is ignored.
 */
export function specialRangeOf(address: string): SpecialRange | undefined {
  const value = toBigInt(address);
  const found = MATCHERS.find(({ network, bits }) => within(value, network, bits));
  if (found) return found.range;
  if (within(value, IPV4_MAPPED.network, IPV4_MAPPED.bits)) return undefined;
  return within(value, GLOBAL_UNICAST.network, GLOBAL_UNICAST.bits) ? undefined : OUTSIDE_GLOBAL_UNICAST;
}

function within(value: bigint, network: bigint, bits: number): boolean {
  const shift = BigInt(128 - bits);
  return value >> shift === network >> shift;
}

function prefixOf(cidr: string): { network: bigint; bits: number } {
  const [address = "", length = ""] = cidr.split("/");
  // An IPv4 prefix lives in the mapped block, 96 bits further down.
  const bits = Number(length) + (isIP(address) === 4 ? 96 : 0);
  return { network: toBigInt(address), bits };
}

/** The address as 128 bits, IPv4 as ::ffff:a.b.c.d. */
function toBigInt(address: string): bigint {
  const bare = address.replace(/%.*$/, "");
  if (isIP(bare) === 4) return (0xffffn << 32n) | ipv4ToBigInt(bare);
  let text = bare.toLowerCase();
  let low = -1n;
  // A dotted quad at the end stands for the last 32 bits.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad?.[1]) {
    low = ipv4ToBigInt(quad[1]);
    text = `${text.slice(0, -quad[1].length)}0:0`;
  }
  const [head = "", tail] = text.split("::");
  const groupsOf = (part: string) => (part === "" ? [] : part.split(":"));
  const before = groupsOf(head);
  const after = tail === undefined ? [] : groupsOf(tail);
  const groups = [...before, ...new Array<string>(8 - before.length - after.length).fill("0"), ...after];
  const value = groups.reduce((sum, group) => (sum << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
  return low < 0n ? value : value | low;
}

function ipv4ToBigInt(address: string): bigint {
  return address.split(".").reduce((sum, octet) => (sum << 8n) | BigInt(Number(octet)), 0n);
}
