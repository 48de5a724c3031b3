import type fc from "fast-check";

/** Where a port call crashes: `false` before it applies, `true` after, by the call's number. */
export type CrashPlan = { call: number; after: boolean }[];

/**
 * Wraps ports so that fast-check's scheduler decides the order in which their
 * calls resolve, and the planned calls crash before or after they apply, as
 * a process dying between two writes would. Calls are numbered across every
 * port wrapped by the same `chaos`.
 */
export function chaos(scheduler: fc.Scheduler, crashes: CrashPlan) {
  let calls = 0;
  const crashAt = new Map(crashes.map((crash) => [crash.call, crash.after]));
  return function chaotic<T extends object>(port: T): T {
    return new Proxy(port, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (typeof value !== "function") return value;
        return scheduler.scheduleFunction(async (...args: unknown[]) => {
          const call = calls++;
          const after = crashAt.get(call);
          if (after === false) throw new Error(`crash before call ${call}`);
          const result = await value.apply(target, args);
          if (after === true) throw new Error(`crash after call ${call}`);
          return result;
        });
      },
    });
  };
}
