type Next = (args: unknown) => Promise<unknown>;

type FaultMiddleware = (next: Next, context: { commandName?: string }) => Next;

/** What `attach` needs of an SDK client: a middleware stack. */
interface MiddlewareHost {
  middlewareStack: { add(...args: never[]): void };
}

/** A fault rule: `Service:Operation`, e.g. `S3:PutObject`, or `Service:*`. */
export type FaultRule = string;

const RULE = /^(S3|SQS|DynamoDB):(\*|[A-Za-z]+)$/;

/** Parses `S3:PutObject,DynamoDB:*`; throws on anything else. */
export function parseFaultRules(text: string): FaultRule[] {
  const rules = text
    .split(",")
    .map((rule) => rule.trim())
    .filter(Boolean);
  for (const rule of rules) {
    if (!RULE.test(rule)) throw new Error(`Bad fault rule "${rule}": use Service:Operation, e.g. S3:PutObject`);
  }
  return rules;
}

/** Thrown in place of the AWS call; looks like a throttle to the code under test. */
export class InjectedFault extends Error {
  override readonly name = "InjectedFault";
}

/**
 * A switch that makes chosen AWS SDK commands fail, for demos and tests. It
 * works as SDK middleware on the clients the handlers use, so handler code
 * has no branch for it. Change it at run time with `set`.
 */
export class FaultSwitch {
  #rules: FaultRule[] = [];

  set(rules: FaultRule[]): void {
    this.#rules = [...rules];
  }

  get rules(): FaultRule[] {
    return [...this.#rules];
  }

  #fails(service: string, operation: string): boolean {
    return this.#rules.some((rule) => rule === `${service}:${operation}` || rule === `${service}:*`);
  }

  /** Adds the switch to a client as initialize-step middleware. */
  attach(service: "S3" | "SQS" | "DynamoDB", client: MiddlewareHost): void {
    // The SDK's overloaded `add` types do not narrow to one step; this is the initialize step's shape.
    const stack = client.middlewareStack as unknown as {
      add(middleware: FaultMiddleware, options: { step: "initialize"; name: string; override: boolean }): void;
    };
    stack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? "").replace(/Command$/, "");
        if (this.#fails(service, operation)) {
          throw new InjectedFault(`Injected fault: ${service}:${operation} is switched off`);
        }
        return next(args);
      },
      { step: "initialize", name: "ordersFaultSwitch", override: true },
    );
  }
}
