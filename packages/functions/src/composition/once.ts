/** Builds a value on first use and keeps it for the life of the execution environment. */
export function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}
