/**
 * The `SET` of an update as ElectroDB writes it: `#name = :name_u0` for each
 * field, in order, with the names and values it refers to. The hand-built
 * writes (notification-writes.ts, failure-writes.ts) start from it.
 */
export function setAssignments(fields: Record<string, unknown>): {
  set: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const set: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    set.push(`#${name} = :${name}_u0`);
    names[`#${name}`] = name;
    values[`:${name}_u0`] = value;
  }
  return { set, names, values };
}

/** `#name` → `name` for each attribute named in a condition or a REMOVE or ADD. */
export function attributeNames(...attributes: string[]): Record<string, string> {
  return Object.fromEntries(attributes.map((name) => [`#${name}`, name]));
}
