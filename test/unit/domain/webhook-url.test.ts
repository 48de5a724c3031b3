import { checkWebhookUrl, isForbiddenAddress, type WebhookPolicy } from "@orders/core/domain/webhook-url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const deployed: WebhookPolicy = { allowLoopbackHttp: false };
const local: WebhookPolicy = { allowLoopbackHttp: true };

describe("checkWebhookUrl", () => {
  it.each([
    ["https://example.com/hooks/orders", deployed],
    ["https://example.com:443/hooks?x=1", deployed],
    ["https://93.184.216.34/hook", deployed],
    ["https://[2606:2800:220:1:248:1893:25c8:1946]/hook", deployed],
    ["https://hooks.example.co.uk./orders", deployed],
    ["http://127.0.0.1:8080/hook", local],
    ["http://127.9.9.9/hook", local],
    ["http://localhost:3000/hook", local],
    ["http://[::1]:3000/hook", local],
    ["https://localhost/hook", local],
    ["http://[::ffff:127.0.0.1]/hook", local],
  ])("accepts %s", (raw, policy) => {
    // Act
    const result = checkWebhookUrl(raw, policy);
    // Assert
    expect(result).toMatchObject({ ok: true });
  });

  it.each([
    ["", deployed, "empty"],
    ["not a url", deployed, "does not parse"],
    [`https://example.com/${"a".repeat(2048)}`, deployed, "2048"],
    ["http://example.com/hook", deployed, "https"],
    ["http://example.com/hook", local, "https"],
    ["ftp://example.com/hook", deployed, "https"],
    ["file:///etc/passwd", deployed, "https"],
    ["javascript:alert(1)", deployed, "https"],
    ["gopher://127.0.0.1:6379/_", local, "https"],
    ["https://user:pass@example.com/hook", deployed, "username"],
    ["https://user@example.com/hook", deployed, "username"],
    ["http://user@127.0.0.1/hook", local, "username"],
    ["https://169.254.169.254/latest/meta-data/", deployed, "address"],
    ["https://169.254.170.2/v2/credentials", deployed, "address"],
    ["https://169.254.169.254/", local, "address"],
    ["https://127.0.0.1/hook", deployed, "address"],
    ["http://127.0.0.1/hook", deployed, "https"],
    ["https://2130706433/hook", deployed, "address"], // 127.0.0.1 as one number
    ["https://0x7f.1/hook", deployed, "address"],
    ["https://017700000001/hook", deployed, "address"],
    ["https://10.0.0.1/hook", deployed, "address"],
    ["https://10.0.0.1/hook", local, "address"],
    ["http://10.0.0.1/hook", local, "https"],
    ["https://172.16.5.4/", deployed, "address"],
    ["https://172.31.255.255/", deployed, "address"],
    ["https://192.168.1.1/", deployed, "address"],
    ["https://100.64.0.1/", deployed, "address"],
    ["https://0.0.0.0/", deployed, "address"],
    ["https://0/", deployed, "address"],
    ["https://224.0.0.1/", deployed, "address"],
    ["https://255.255.255.255/", deployed, "address"],
    ["https://[::1]/", deployed, "address"],
    ["https://[::]/", deployed, "address"],
    ["https://[fd00::1]/", deployed, "address"],
    ["https://[fe80::1]/", deployed, "address"],
    ["https://[ff02::1]/", deployed, "address"],
    ["https://[::ffff:169.254.169.254]/", deployed, "address"],
    ["https://[::ffff:a9fe:a9fe]/", deployed, "address"],
    ["https://[64:ff9b::a9fe:a9fe]/", deployed, "address"],
    ["https://[64:ff9b::10.0.0.1]/", deployed, "address"],
    ["https://[2002:a9fe:a9fe::1]/", deployed, "address"],
    ["https://localhost/hook", deployed, "local or internal"],
    ["https://LOCALHOST./hook", deployed, "local or internal"],
    ["https://foo.localhost/hook", deployed, "local or internal"],
    ["http://foo.localhost/hook", local, "https"],
    ["https://foo.localhost/hook", local, "local or internal"],
    ["https://metadata.google.internal/", deployed, "local or internal"],
    ["https://ip-10-0-0-1.ec2.internal/", deployed, "local or internal"],
    ["https://printer.local/", deployed, "local or internal"],
    ["https://printer.local./", local, "local or internal"],
    ["https://intranet/hook", deployed, "fully qualified"],
    ["https://example.com:8443/hooks", deployed, "port 8443"],
    ["https://example.com:80/hooks", deployed, "port 80"],
    ["https://example.com:0/hooks", deployed, "port 0"],
    ["https://93.184.216.34:22/hook", deployed, "port 22"],
    ["https://[2606:2800:220:1:248:1893:25c8:1946]:8080/hook", deployed, "port 8080"],
    ["https://example.com:8443/hooks", local, "port 8443"],
    ["https://127.0.0.1:8443/hook", deployed, "address"],
  ])("refuses %s", (raw, policy, reason) => {
    const result = checkWebhookUrl(raw, policy);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.reason).toContain(reason);
  });

  it("returns the normalised URL to call", () => {
    const result = checkWebhookUrl("HTTPS://Example.COM:443/a/../hook", deployed);
    expect(result.ok && result.url.href).toBe("https://example.com/hook");
  });

  it("never throws, whatever the input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.webUrl(), fc.string({ unit: "binary" })), fc.boolean(), (raw, allow) => {
        const result = checkWebhookUrl(raw, { allowLoopbackHttp: allow });
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 200 },
    );
  }, 30_000);

  it("accepts only https (or http to loopback when allowed), with no credentials, whatever it accepts", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl({ withQueryParameters: true, withFragments: true, authoritySettings: { withUserInfo: true } }),
          fc.webUrl({ validSchemes: ["https", "http", "ftp"], authoritySettings: { withIPv4: true, withIPv6: true } }),
        ),
        fc.boolean(),
        (raw, allow) => {
          const result = checkWebhookUrl(raw, { allowLoopbackHttp: allow });
          if (!result.ok) return;
          const { url } = result;
          expect(url.username + url.password).toBe("");
          if (url.protocol === "http:") {
            expect(allow).toBe(true);
            expect(["localhost", "[::1]"].includes(url.hostname) || url.hostname.startsWith("127.")).toBe(true);
          } else {
            expect(url.protocol).toBe("https:");
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 30_000);

  it("accepts only port 443 on a deployed stage, and refuses any other with the port in the reason", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 65535 }),
        fc.constantFrom("example.com", "93.184.216.34", "[2606:4700::1]"),
        (port, host) => {
          // Act
          const result = checkWebhookUrl(`https://${host}:${port}/hook`, deployed);
          // Assert
          if (port === 443) expect(result.ok).toBe(true);
          else
            expect(result.ok ? "accepted" : result.reason).toBe(
              `port ${port} is not allowed: webhooks are called on 443 only`,
            );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("lets the local runtime use any port on loopback, and only there", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 65535 }),
        fc.constantFrom("127.0.0.1", "localhost", "[::1]"),
        (port, host) => {
          expect(checkWebhookUrl(`http://${host}:${port}/hook`, local).ok).toBe(true);
          expect(checkWebhookUrl(`https://${host}:${port}/hook`, local).ok).toBe(true);
          expect(checkWebhookUrl(`https://example.com:${port}/hook`, local).ok).toBe(port === 443);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses every IPv4 literal in a forbidden range, however the URL spells it", () => {
    const forbidden = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.integer({ min: 224, max: 255 }), fc.nat(255), fc.nat(255), fc.nat(255)),
    );
    const spellings = (octets: number[]) => {
      const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
      return [
        octets.join("."),
        String(value),
        `0x${value.toString(16)}`,
        octets.map((octet) => `0x${octet.toString(16)}`).join("."),
        octets.map((octet) => `0${octet.toString(8)}`).join("."),
        `[::ffff:${octets.join(".")}]`,
        `[64:ff9b::${octets.join(".")}]`,
      ];
    };
    fc.assert(
      fc.property(forbidden, (octets) => {
        for (const host of spellings(octets)) {
          expect(checkWebhookUrl(`https://${host}/hook`, deployed).ok, host).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("isForbiddenAddress", () => {
  it.each([
    ["0.0.0.0", true],
    ["0.255.255.255", true],
    ["10.0.0.1", true],
    ["10.255.255.255", true],
    ["11.0.0.1", false],
    ["100.63.255.255", false],
    ["100.64.0.0", true],
    ["100.127.255.255", true],
    ["100.128.0.0", false],
    ["127.0.0.1", true],
    ["127.255.255.254", true],
    ["169.254.169.254", true],
    ["169.254.170.2", true],
    ["169.253.255.255", false],
    ["172.15.255.255", false],
    ["172.16.0.0", true],
    ["172.31.255.255", true],
    ["172.32.0.0", false],
    ["192.0.0.1", true],
    ["192.0.1.1", false],
    ["192.168.0.1", true],
    ["198.17.255.255", false],
    ["198.18.0.1", true],
    ["198.19.255.255", true],
    ["198.20.0.0", false],
    ["223.255.255.255", false],
    ["224.0.0.1", true],
    ["239.255.255.255", true],
    ["240.0.0.1", true],
    ["255.255.255.255", true],
    ["8.8.8.8", false],
    ["93.184.216.34", false],
    ["::", true],
    ["::1", true],
    ["[::1]", true],
    ["fc00::1", true],
    ["fdff:ffff::1", true],
    ["fe80::1", true],
    ["fe80::1%eth0", true],
    ["febf::1", true],
    ["ff02::1", true],
    ["::ffff:10.0.0.1", true],
    ["::ffff:a00:1", true],
    ["::ffff:8.8.8.8", false],
    ["::ffff:127.0.0.1", true],
    ["64:ff9b::169.254.169.254", true],
    ["64:ff9b::8.8.8.8", true], // NAT64 is a translator's address, never a receiver's
    ["2606:4700:4700::1111", false],
    ["2001:4860:4860::8888", false],
    ["not-an-ip", true],
    ["", true],
    ["example.com", true],
  ])("%s → %s (deployed)", (ip, forbidden) => {
    expect(isForbiddenAddress(ip, deployed)).toBe(forbidden);
  });

  it("allows loopback, and only loopback, when the policy does", () => {
    for (const ip of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) {
      expect(isForbiddenAddress(ip, local), ip).toBe(false);
    }
    for (const ip of ["10.0.0.1", "169.254.169.254", "0.0.0.0", "::", "fe80::1", "::ffff:10.0.0.1"]) {
      expect(isForbiddenAddress(ip, local), ip).toBe(true);
    }
  });

  it("judges an IPv4 address the same bare and IPv4-mapped", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.boolean(), (ip, allow) => {
        const policy = { allowLoopbackHttp: allow };
        expect(isForbiddenAddress(`::ffff:${ip}`, policy)).toBe(isForbiddenAddress(ip, policy));
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws, and forbids whatever is not an address", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV6(), fc.ipV4Extended()), (ip) => {
        const forbidden = isForbiddenAddress(ip, deployed);
        expect(typeof forbidden).toBe("boolean");
      }),
      { numRuns: 1000 },
    );
  });
});
