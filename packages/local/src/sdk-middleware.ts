/** What the runtime needs of an SDK client to instrument it: a middleware stack. */
export interface MiddlewareHost {
  middlewareStack: { add(...args: never[]): void };
}

/** A command's arguments as the initialize step sees them, before serialising. */
export type CommandArgs = { input: Record<string, unknown> };

/** Sends a command's arguments on, down the rest of the stack. */
export type Next = (args: CommandArgs) => Promise<unknown>;

/**
 * Adds `middleware` to a client's stack at the initialize step, under `name`,
 * so that adding it again replaces it rather than running it twice. It is
 * handed each call's operation, the command's name without "Command"
 * (`PutItem`), with what sends the call on.
 */
export function addInitializeMiddleware(
  client: MiddlewareHost,
  name: string,
  middleware: (operation: string, next: Next, args: CommandArgs) => Promise<unknown>,
): void {
  // The SDK's overloaded `add` types do not narrow to one step; this is the initialize step's shape.
  const stack = client.middlewareStack as unknown as {
    add(
      middleware: (next: Next, context: { commandName?: string }) => Next,
      options: { step: "initialize"; name: string; override: boolean },
    ): void;
  };
  stack.add(
    (next, context) => (args) => middleware(String(context.commandName ?? "").replace(/Command$/, ""), next, args),
    { step: "initialize", name, override: true },
  );
}
