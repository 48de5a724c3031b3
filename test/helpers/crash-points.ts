type Next = (args: unknown) => Promise<unknown>;

interface MiddlewareHost {
  middlewareStack: { add(...args: never[]): void };
}

/** What a run did, command by command, and where it should crash. */
export interface CrashPoints {
  /** Every command name sent since the last `reset`, e.g. `UpdateItem`. */
  readonly commands: string[];
  /**
   * Crash at the n-th write (PutItem, UpdateItem, DeleteItem or BatchWriteItem, counting from 0) from now:
   * `before` it reaches the table, or `after` the table applied it but before
   * the caller hears so, as a process that dies at that instant would.
   */
  arm(n: number, when: "before" | "after"): void;
  disarm(): void;
  reset(): void;
  writes(): number;
}

const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"]);

/** A simulated process death between two writes. */
export class CrashError extends Error {
  override readonly name = "CrashError";
}

/** Adds crash points to a DynamoDB client: fault rules on the exact write command. */
export function crashPoints(client: MiddlewareHost): CrashPoints {
  let armed: { n: number; when: "before" | "after" } | undefined;
  let writesSeen = 0;
  const commands: string[] = [];
  const stack = client.middlewareStack as unknown as {
    add(
      middleware: (next: Next, context: { commandName?: string }) => Next,
      options: { step: "initialize"; name: string },
    ): void;
  };
  stack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName ?? "").replace(/Command$/, "");
      commands.push(command);
      if (!WRITES.has(command)) return next(args);
      const index = writesSeen++;
      const crash = armed && armed.n === index ? armed.when : undefined;
      if (crash === "before") throw new CrashError(`crash before write ${index} (${command})`);
      // A process can die after the table answered, whether it said yes or no.
      const result = await next(args).catch((error: unknown) => {
        if (crash === "after") throw new CrashError(`crash after write ${index} (${command}) was refused`);
        throw error;
      });
      if (crash === "after") throw new CrashError(`crash after write ${index} (${command})`);
      return result;
    },
    { step: "initialize", name: "testCrashPoints" },
  );
  return {
    commands,
    arm(n, when) {
      armed = { n: writesSeen + n, when };
    },
    disarm() {
      armed = undefined;
    },
    reset() {
      commands.length = 0;
    },
    writes: () => commands.filter((command) => WRITES.has(command)).length,
  };
}
