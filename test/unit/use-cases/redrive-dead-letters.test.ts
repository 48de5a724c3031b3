import type { DeadLetter } from "@orders/core/domain/dead-letter";
import type { AuditLog, DeadLetterStore, MessageSender } from "@orders/core/ports";
import { redriveDeadLetters } from "@orders/core/use-cases/dlq/redrive-dead-letters";
import { describe, expect, it } from "vitest";

function letter(messageId: string): DeadLetter {
  return {
    messageId,
    receiptHandle: `r-${messageId}`,
    body: "{}",
    attributes: {},
    messageAttributes: {},
    receiveCount: 4,
    sentAt: "",
  };
}

/** A DLQ in memory that records what was taken, released and deleted. */
function setup(ids: string[]) {
  const queued = new Map(ids.map((id) => [id, letter(id)]));
  const log = {
    taken: [] as string[],
    released: [] as string[],
    deleted: [] as string[],
    sent: [] as string[],
    audit: [] as string[],
  };
  const deadLetters: DeadLetterStore = {
    scan: async (max) => [...queued.values()].slice(0, max),
    take: async (wanted) => {
      log.taken.push(...wanted);
      return wanted.flatMap((id) => (queued.has(id) ? [queued.get(id) as DeadLetter] : []));
    },
    release: async (l) => void log.released.push(l.messageId),
    delete: async (l) => {
      queued.delete(l.messageId);
      log.deleted.push(l.messageId);
    },
    depth: async () => queued.size,
  };
  const sender: MessageSender = {
    send: async (body) => {
      log.sent.push(body);
      return `new-${log.sent.length}`;
    },
  };
  const audit: AuditLog = {
    append: async (entry) => void log.audit.push(`${entry.action}:${entry.result}`),
    list: async () => ({ entries: [] }),
  };
  return { deps: { deadLetters, sender, audit, sleep: async () => undefined }, log };
}

describe("redriveDeadLetters", () => {
  it("sends each message back before deleting it, and audits each", async () => {
    const { deps, log } = setup(["a", "b"]);
    const results = await redriveDeadLetters({ ids: ["a", "b", "gone"], actor: "test" }, deps);
    expect(results.map((r) => `${r.messageId}:${r.status}`)).toEqual(["gone:NOT_FOUND", "a:REDRIVEN", "b:REDRIVEN"]);
    expect(log.deleted).toEqual(["a", "b"]);
    expect(log.audit).toEqual(["REDRIVE:OK", "REDRIVE:OK"]);
  });

  it("moves only what fits in about 20 seconds at the requested rate", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `m-${i}`);
    const { deps, log } = setup(ids);
    const results = await redriveDeadLetters({ all: true, maxPerSecond: 1, actor: "test" }, deps);
    expect(results).toHaveLength(20);
    expect(log.taken).toHaveLength(20);
  });

  it("keeps a message whose send failed, releasing it and auditing the failure", async () => {
    const { deps, log } = setup(["a"]);
    deps.sender.send = async () => {
      throw new Error("SQS down");
    };
    const [result] = await redriveDeadLetters({ ids: ["a"], actor: "test" }, deps);
    expect(result).toMatchObject({ messageId: "a", status: "FAILED" });
    expect(log.deleted).toEqual([]);
    expect(log.released).toEqual(["a"]);
    expect(log.audit).toEqual(["REDRIVE:FAILED"]);
  });
});
