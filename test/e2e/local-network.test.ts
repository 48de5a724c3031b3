import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningSystem, startSystem } from "@orders/harness/local-system";
import { afterAll, describe, expect, it } from "vitest";

// Issue #16: fauxqs bound 0.0.0.0 whatever host it was given, so anyone on
// the network could read archived orders and queue a cancel. The README says
// that `npm start` listens on 127.0.0.1 only, and that `--in-memory` changes
// what is kept on disk, not who can connect. This checks both modes from the
// outside: the kernel's own table of the process's sockets, and a connection
// attempt to each port through the machine's other addresses.

interface Socket {
  protocol: string;
  address: string;
  port: number;
}

/** An address from /proc/net/{tcp,udp}[6]: hex, each 32-bit word in host (little-endian) order. */
function addressOf(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((byte) => Number.parseInt(byte, 16)));
  if (bytes.length === 4) return bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  if (groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1) return "::1";
  if (groups.every((group) => group === 0)) return "::";
  return groups.map((group) => group.toString(16)).join(":");
}

/** Every TCP socket `pid` listens on and every UDP socket it has bound, from the kernel's tables. */
function listeningSockets(pid: number): Socket[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]].filter(Boolean);
      } catch {
        return []; // closed meanwhile
      }
    }),
  );
  return ["tcp", "tcp6", "udp", "udp6"].flatMap((protocol) =>
    readFileSync(`/proc/${pid}/net/${protocol}`, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => inodes.has(fields[9] ?? ""))
      // TCP: LISTEN (0A) only, not the connections between the runtime and its emulators.
      .filter((fields) => !protocol.startsWith("tcp") || fields[3] === "0A")
      .map((fields) => {
        const [hex, port] = (fields[1] ?? "").split(":");
        return { protocol, address: addressOf(hex ?? ""), port: Number.parseInt(port ?? "0", 16) };
      }),
  );
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

/** This machine's addresses other than loopback: where someone on the network would connect. */
const externalAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((entry) => entry && !entry.internal && !entry.address.startsWith("fe80:"))
  .map((entry) => entry?.address ?? "");

const dataDir = mkdtempSync(join(tmpdir(), "orders-network-"));
const modes = [
  { mode: "--in-memory", args: ["--in-memory"] },
  { mode: "a data directory", args: ["--data-dir", dataDir] },
];
const running: RunningSystem[] = [];

afterAll(async () => {
  await Promise.all(running.map((system) => system.stop()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!existsSync("/proc/self/net/tcp"))("npm start on the network", () => {
  it.each(modes)(
    "listens on 127.0.0.1 only, with $mode",
    async ({ args }) => {
      // Arrange
      const system = await startSystem(args, { ORDERS_DEMO_DATA: "off" });
      running.push(system);
      const pid = system.process.pid ?? 0;

      // Act
      const sockets = listeningSockets(pid);
      const ports = [...new Set(sockets.map((socket) => socket.port))];
      const reachable = [];
      for (const host of externalAddresses) {
        for (const port of ports) if (await accepts(host, port)) reachable.push(`${host}:${port}`);
      }

      // Assert: the API, dynalite and fauxqs at least, every one on loopback, none reachable from elsewhere.
      expect(sockets.filter((socket) => socket.protocol.startsWith("tcp")).length).toBeGreaterThanOrEqual(3);
      expect(sockets.map((socket) => socket.port)).toContain(Number(new URL(system.url).port));
      expect(sockets.filter((socket) => socket.address !== "127.0.0.1")).toEqual([]);
      expect(reachable).toEqual([]);
    },
    60_000,
  );
});
