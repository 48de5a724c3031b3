import { type Dependency, DependencyError, DependencyRejectedError, DomainError } from "../domain/errors.ts";

/** SDK errors that say the request itself is invalid: the same request will fail again. */
const REJECTIONS = new Set(["ValidationException", "SerializationException"]);

/**
 * ElectroDB option: throw the SDK's own error instead of building a wrapped
 * one with a captured stack on every call (measurably costly on the hot path).
 * `guarded` wraps it in a DependencyError anyway.
 */
export const RAW_ERRORS = { originalErr: true } as const;

/**
 * Runs one call to a dependency and turns whatever it throws into a
 * `DependencyError`, so that no SDK error crosses a port. A domain error the
 * adapter raised on purpose (a 404, a 409) passes through as it is.
 */
export async function guarded<T>(dependency: Dependency, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof DomainError) throw cause;
    const { name, message } = (cause ?? {}) as { name?: string; message?: string };
    if (name && REJECTIONS.has(name)) {
      throw new DependencyRejectedError(dependency, `${dependency}: ${action} refused: ${message ?? name}`, { cause });
    }
    throw new DependencyError(dependency, `${dependency}: ${action} failed`, { cause });
  }
}
