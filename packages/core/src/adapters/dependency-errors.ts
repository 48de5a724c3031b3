import { type Dependency, DependencyError } from "../domain/errors.ts";

/**
 * Runs one call to a dependency and turns whatever it throws into a
 * `DependencyError`, so that no SDK error crosses a port.
 */
export async function guarded<T>(dependency: Dependency, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof DependencyError) throw cause;
    throw new DependencyError(dependency, `${dependency}: ${action} failed`, { cause });
  }
}
