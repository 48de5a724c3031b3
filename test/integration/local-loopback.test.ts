import { type AddressInfo, Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { type Emulators, startEmulators } from "../../packages/local/src/emulators.ts";

// fauxqs 2.4.1 binds every interface whatever host it is given (and reports
// 127.0.0.1 all the same): from another machine on the network one could read
// archived orders and queue a cancel (issue #16). Every socket `npm start`'s
// emulators open must be bound to loopback: this reads each server's own address.
let emulators: Emulators | undefined;
afterAll(() => emulators?.stop());

describe("the local emulators", () => {
  it("listen on 127.0.0.1 only, fauxqs included", async () => {
    const servers: Server[] = [];
    const listen = Server.prototype.listen;
    Server.prototype.listen = function spy(this: Server, ...args: unknown[]) {
      servers.push(this);
      return (listen as (...a: unknown[]) => Server).apply(this, args);
    } as typeof listen;
    try {
      emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0 });
    } finally {
      Server.prototype.listen = listen;
    }
    const bound = servers.map((server) => (server.address() as AddressInfo).address);
    expect(bound.length).toBeGreaterThanOrEqual(2);
    expect(bound).toEqual(bound.map(() => "127.0.0.1"));
  });
});
