import { Server } from "node:net";

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * Runs `start` with every server it opens bound to 127.0.0.1 when it asks for
 * all interfaces. fauxqs 2.4.1 listens on 0.0.0.0 whatever host it is given,
 * which put the local SQS, SNS and S3 (archived orders, the order queue: a
 * cancel message from anyone on the network refunded an order) on every
 * network the machine is on (issue #16). Remove once fauxqs honours `host`.
 */
export async function onLoopback<T>(start: () => Promise<T>): Promise<T> {
  const listen = Server.prototype.listen;
  Server.prototype.listen = function loopbackListen(this: Server, ...args: unknown[]) {
    const [first, second] = args;
    if (first && typeof first === "object" && WILDCARDS.has(String((first as { host?: string }).host))) {
      args[0] = { ...first, host: "127.0.0.1" };
    } else if (typeof first === "number" && typeof second === "string" && WILDCARDS.has(second)) {
      args[1] = "127.0.0.1";
    }
    return (listen as (...a: unknown[]) => Server).apply(this, args);
  } as typeof listen;
  try {
    return await start();
  } finally {
    Server.prototype.listen = listen;
  }
}
