import { checkWebhookUrl, isForbiddenAddress, type WebhookPolicy } from "@orders/core/domain/webhook-url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

/**
 * The webhook SSRF policy against the IANA special-purpose address registries
 * (IPv4 and IPv6), written out here independently of the implementation: a
 * reference the policy must agree with, address by address (#16: the
 * blocklist missed the TEST-NETs, 2001:db8::/32 and Teredo).
 */

const deployed: WebhookPolicy = { allowLoopbackHttp: false };
const local: WebhookPolicy = { allowLoopbackHttp: true };

/** IANA IPv4 Special-Purpose Address Registry, plus multicast (224/4). [network, prefix] */
const V4_SPECIAL: [string, number][] = [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // shared address space (CGNAT)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (the metadata endpoints)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // TEST-NET-1
  ["192.31.196.0", 24], // AS112-v4
  ["192.52.193.0", 24], // AMT
  ["192.88.99.0", 24], // deprecated 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["192.175.48.0", 24], // direct delegation AS112
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // TEST-NET-2
  ["203.0.113.0", 24], // TEST-NET-3
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255
];

/** IANA IPv6 Special-Purpose Address Registry entries inside global unicast 2000::/3. */
const V6_SPECIAL_IN_GLOBAL: [string, number][] = [
  ["2001::", 23], // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHIDs, AMT, ...
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4, which carries an IPv4 address
  ["2620:4f:8000::", 48], // direct delegation AS112
  ["3fff::", 20], // documentation (RFC 9637)
];

const v4ToBig = (ip: string) => ip.split(".").reduce((sum, octet) => (sum << 8n) | BigInt(octet), 0n);

function v6ToBig(ip: string): bigint {
  const [head = "", tail] = ip.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  const all = [...before, ...new Array(8 - before.length - after.length).fill("0"), ...after];
  return all.reduce((sum, group) => (sum << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

const bigToV6 = (value: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(":");

const inPrefix = (value: bigint, network: bigint, bits: number, width: number) =>
  value >> BigInt(width - bits) === network >> BigInt(width - bits);

function referenceV4(ip: string, policy: WebhookPolicy): boolean {
  const value = v4ToBig(ip);
  if (policy.allowLoopbackHttp && inPrefix(value, v4ToBig("127.0.0.0"), 8, 32)) return false;
  return V4_SPECIAL.some(([network, bits]) => inPrefix(value, v4ToBig(network), bits, 32));
}

/** Only global unicast (2000::/3) outside its special blocks may be called; an IPv4-mapped address is its IPv4 address. */
function referenceV6(value: bigint, policy: WebhookPolicy): boolean {
  if (value >> 32n === 0xffffn) {
    const v4 = value & 0xffffffffn;
    return referenceV4([24n, 16n, 8n, 0n].map((shift) => (v4 >> shift) & 0xffn).join("."), policy);
  }
  if (value === 1n) return !policy.allowLoopbackHttp;
  if (!inPrefix(value, v6ToBig("2000::"), 3, 128)) return true;
  return V6_SPECIAL_IN_GLOBAL.some(([network, bits]) => inPrefix(value, v6ToBig(network), bits, 128));
}

/** A random address inside a prefix. */
const v6Within = (network: string, bits: number) =>
  fc.bigInt({ min: 0n, max: (1n << BigInt(128 - bits)) - 1n }).map((host) => bigToV6(v6ToBig(network) | host));

describe("the webhook policy's forbidden addresses (IANA special-purpose registries)", () => {
  it.each([
    "192.0.2.1",
    "192.0.2.255",
    "198.51.100.7",
    "203.0.113.200",
    "198.18.0.1",
    "198.19.255.254",
    "192.88.99.1",
    "192.31.196.1",
    "192.52.193.1",
    "192.175.48.6",
    "2001:db8::1",
    "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
    "2001::1", // Teredo
    "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo, carrying a public IPv4 server and client
    "2001:2::1", // benchmarking
    "2001:20::1", // ORCHIDv2
    "2002:808:808::1", // 6to4 of 8.8.8.8: still not a receiver's own address
    "2002:a9fe:a9fe::1",
    "64:ff9b::808:808", // NAT64 of 8.8.8.8
    "64:ff9b::8.8.8.8",
    "64:ff9b:1::1",
    "100::1", // discard-only
    "3fff::1", // documentation
    "5f00::1", // SRv6 SIDs
    "::8.8.8.8", // IPv4-compatible (deprecated)
    "::ffff:0:808:808", // SIIT
    "2620:4f:8000::1",
    "4000::1", // not global unicast
  ])("forbids %s on a deployed stage", (ip) => {
    // Act
    const forbidden = isForbiddenAddress(ip, deployed);
    // Assert
    expect(forbidden).toBe(true);
  });

  it.each([
    "8.8.8.8",
    "93.184.216.34",
    "192.0.3.1",
    "198.51.101.1",
    "203.0.114.1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "2a00:1450:4001:800::200e",
    "2001:200::1", // just past 2001::/23
    "::ffff:8.8.8.8",
  ])("allows the public address %s", (ip) => {
    expect(isForbiddenAddress(ip, deployed)).toBe(false);
  });

  it("refuses a registration at a literal in any of them, saying which range", () => {
    // Arrange
    const urls = ["https://192.0.2.10/hook", "https://[2001:db8::10]/hook", "https://[2001::1]/hook"];
    // Act
    const results = urls.map((url) => checkWebhookUrl(url, deployed));
    // Assert
    expect(results.map((result) => (result.ok ? "accepted" : result.reason))).toEqual([
      expect.stringMatching(/reserved address.*192\.0\.2\.0\/24/),
      expect.stringMatching(/reserved address.*2001:db8::\/32/),
      expect.stringMatching(/reserved address.*2001::\/32/),
    ]);
  });

  it("agrees with the reference on random IPv4 addresses, bare and IPv4-mapped, under both policies", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.boolean(), (ip, allow) => {
        const policy = { allowLoopbackHttp: allow };
        expect(isForbiddenAddress(ip, policy), ip).toBe(referenceV4(ip, policy));
        expect(isForbiddenAddress(`::ffff:${ip}`, policy), ip).toBe(referenceV4(ip, policy));
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with the reference on IPv6 addresses, random and inside each special block", () => {
    const inBlocks = fc.oneof(...V6_SPECIAL_IN_GLOBAL.map(([network, bits]) => v6Within(network, bits)));
    const global = v6Within("2000::", 3);
    const embedding = fc.oneof(
      fc.ipV4().map((ip) => `64:ff9b::${ip}`),
      fc.ipV4().map((ip) => `::${ip}`),
      fc.ipV4().map((ip) => `::ffff:${ip}`),
    );
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), inBlocks, global, embedding), fc.boolean(), (ip, allow) => {
        const policy = { allowLoopbackHttp: allow };
        const value = new URL(`http://[${ip}]/`).hostname.slice(1, -1);
        expect(isForbiddenAddress(ip, policy), ip).toBe(referenceV6(v6ToBig(value), policy));
      }),
      { numRuns: 3000 },
    );
  });

  it("forbids every address of each special block, whatever the policy", () => {
    const blocks = fc.oneof(...V6_SPECIAL_IN_GLOBAL.map(([network, bits]) => v6Within(network, bits)));
    fc.assert(
      fc.property(blocks, fc.constantFrom(deployed, local), (ip, policy) => {
        expect(isForbiddenAddress(ip, policy), ip).toBe(true);
        expect(checkWebhookUrl(`https://[${ip}]/hook`, policy).ok, ip).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
