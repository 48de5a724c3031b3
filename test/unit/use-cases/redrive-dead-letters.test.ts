import type { AuditEntry, DeadLetter } from "@orders/core/domain/dead-letter";
import { SubmissionRecordedError } from "@orders/core/domain/errors";
import type { OrderValidator } from "@orders/core/domain/validation";
import type { AuditLog, DeadLetterStore, MessageSender, OrderRepository } from "@orders/core/ports";
import { editDeadLetter } from "@orders/core/use-cases/dlq/edit-dead-letter";
import { redriveDeadLetters } from "@orders/core/use-cases/dlq/redrive-dead-letters";
import { anOrder } from "@orders/harness/factories";
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

  it("audits a move before it deletes the letter: a failed audit releases the letter, and the rest go on", async () => {
    // Arrange
    const { deps, log } = setup(["a", "b"]);
    const append = deps.audit.append;
    deps.audit.append = async (entry) => {
      if (entry.oldMessageId === "a") throw new Error("table down");
      await append(entry);
    };
    // Act
    const results = await redriveDeadLetters({ ids: ["a", "b"], actor: "test" }, deps);
    // Assert: a's copy went out (absorbed as a redelivery) and a stays for the next redrive to audit; b moved.
    expect(results).toMatchObject([
      { messageId: "a", status: "FAILED", error: "sent as new-1 but not audited (table down): redrive it again" },
      { messageId: "b", status: "REDRIVEN" },
    ]);
    expect(log.sent).toHaveLength(2);
    expect(log.released).toEqual(["a"]);
    expect(log.deleted).toEqual(["b"]);
  });
});

describe("editDeadLetter", () => {
  const submissionId = "0b7c9c1e-6a0e-4b5e-9d43-2f9f3c1a7e11";
  const original = {
    submissionId,
    receivedAt: "2026-12-06T00:00:00.000Z",
    channel: "web",
    order: anOrder({ id: "o-1" }),
  };
  const corrected = anOrder({ id: "o-1", amount: 99.5 });
  /** The setup above, with the letter's body a submission and the repository's history for it. */
  function editSetup(recorded: "no" | "this submission" | "another submission") {
    const { deps, log } = setup(["a"]);
    const body = JSON.stringify(original);
    deps.deadLetters.take = async (wanted) => {
      log.taken.push(...wanted);
      return wanted.map((id) => ({ ...letter(id), body }));
    };
    const audited: AuditEntry[] = [];
    deps.audit.append = async (entry) => void audited.push(entry);
    const from = recorded === "this submission" ? submissionId : "5d1f3a9e-1b2c-4d3e-8f40-000000000001";
    const history =
      recorded === "no"
        ? undefined
        : { original: { orderId: "o-1", submissionId: from, status: "CONFIRMED", isDuplicate: false }, duplicates: [] };
    const reads: string[] = [];
    const repository = {
      findHistory: async (orderId: string) => {
        reads.push(orderId);
        return history;
      },
    } as unknown as Pick<OrderRepository, "findHistory">;
    // Every order passes: the processor's rules have tests of their own (and the handler's 422 in dead-letter-numbers).
    const validate = ((order: unknown) => ({ valid: true, order })) as OrderValidator;
    return { deps: { ...deps, repository, validate }, log, audited, reads };
  }

  it("redrives the corrected order under the same submission, and audits the body it replaced", async () => {
    const { deps, log, audited, reads } = editSetup("no");
    const result = await editDeadLetter({ messageId: "a", order: corrected, actor: "op" }, deps);
    expect(result).toMatchObject({ status: "REDRIVEN" });
    expect(JSON.parse(log.sent[0] ?? "{}")).toEqual({ ...original, order: corrected });
    expect(audited).toMatchObject([{ action: "EDIT", result: "OK", body: JSON.stringify(original) }]);
    expect(log.deleted).toEqual(["a"]);
    // The order's history is read once: the edit keeps the letter's id.
    expect(reads).toEqual(["o-1"]);
  });

  it.each([
    ["this submission", "Order o-1 was recorded from this message (as CONFIRMED)"],
    ["another submission", "Order o-1 is recorded already, from another submission (CONFIRMED)"],
  ] as const)("refuses an edit the processor would not run: its order is recorded from %s", async (from, why) => {
    const { deps, log, audited } = editSetup(from);
    const editing = editDeadLetter({ messageId: "a", order: corrected, actor: "op" }, deps);
    await expect(editing).rejects.toBeInstanceOf(SubmissionRecordedError);
    await expect(editing).rejects.toThrow(why);
    expect(log.sent).toEqual([]);
    expect(log.released).toEqual(["a"]);
    expect(audited).toEqual([]);
  });

  it("fails when the edited message could not be sent, with the letter left in the DLQ", async () => {
    const { deps, log } = editSetup("no");
    deps.sender.send = async () => {
      throw new Error("SQS down");
    };
    const editing = editDeadLetter({ messageId: "a", order: corrected, actor: "op" }, deps);
    await expect(editing).rejects.toMatchObject({ code: "QUEUE_UNAVAILABLE" });
    expect(log.deleted).toEqual([]);
    expect(log.released).toEqual(["a"]);
  });
});
