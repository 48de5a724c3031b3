import type { AuditEntry, DeadLetter } from "@orders/core/domain/dead-letter";
import type { AuditLog, DeadLetterStore, MessageSender } from "@orders/core/ports";

/** A dead letter holding `body`, as SQS would list it after `receiveCount` receives. */
export function aDeadLetter(messageId: string, body: string, sentAt = "2026-12-05T10:00:00.000Z"): DeadLetter {
  return {
    messageId,
    receiptHandle: `r-${messageId}`,
    body,
    attributes: {},
    messageAttributes: {},
    receiveCount: 10,
    sentAt,
  };
}

/**
 * A DLQ and the queue it drains into, in memory: a letter is gone from the
 * DLQ only once deleted, and `failDelete` makes the next deletes throw, as a
 * redrive that dies between its send and its delete.
 */
export class InMemoryRedriveQueues {
  readonly letters = new Map<string, DeadLetter>();
  /** Bodies sent to the work queue, in order. */
  readonly sent: string[] = [];
  readonly audit: AuditEntry[] = [];
  failSend = 0;
  failDelete = 0;

  constructor(letters: DeadLetter[] = []) {
    for (const letter of letters) this.letters.set(letter.messageId, letter);
  }

  readonly deadLetters: DeadLetterStore = {
    scan: async (max) => [...this.letters.values()].slice(0, max),
    take: async (ids) => ids.flatMap((id) => (this.letters.has(id) ? [this.letters.get(id) as DeadLetter] : [])),
    release: async () => undefined,
    delete: async (letter) => {
      if (this.failDelete > 0) {
        this.failDelete -= 1;
        throw new Error("the process died before the delete (injected)");
      }
      this.letters.delete(letter.messageId);
    },
    depth: async () => this.letters.size,
  };

  readonly sender: MessageSender = {
    send: async (body) => {
      if (this.failSend > 0) {
        this.failSend -= 1;
        throw new Error("the queue refused the send (injected)");
      }
      this.sent.push(body);
      return `new-${this.sent.length}`;
    },
  };

  readonly auditLog: AuditLog = {
    append: async (entry) => void this.audit.push(entry),
    list: async () => ({ entries: [...this.audit].reverse() }),
  };
}
