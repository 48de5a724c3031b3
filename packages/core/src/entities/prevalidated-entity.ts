import { Entity, type EntityConfiguration, type EntityItem, type Schema } from "electrodb";

/**
 * An ElectroDB entity whose model is not validated again when it is built.
 *
 * Why: `new Entity()` checks its model against ElectroDB's JSON Schema (the
 * `jsonschema` package, once as a beta model that fails, then as a v1 model).
 * Our models are constants, so that check gives the same answer at every cold
 * start: for the twelve entities it was about 20 ms of a function's init, the
 * larger part of what ElectroDB cost a handler. The unit tests make the same
 * check once (test/unit/entities/prevalidated-entity.test.ts): every entity's
 * schema passes ElectroDB's own validation, and this override still takes
 * effect. It overrides ElectroDB's internal `_validateModel`; if an ElectroDB
 * release renames it, the models are simply validated again (slower, never
 * wrong) and that test says so.
 */
export class PrevalidatedEntity<
  A extends string,
  F extends string,
  C extends string,
  S extends Schema<A, F, C, P>,
  P extends string = string,
> extends Entity<A, F, C, S, P> {
  /** ElectroDB's model check, skipped: the tests make it once. */
  _validateModel(): void {}
}

/**
 * `new Entity(schema, config)` without the model check, typed as ElectroDB's
 * Entity so that a `Service` of them keeps its collection types.
 */
export function prevalidatedEntity<A extends string, F extends string, C extends string, S extends Schema<A, F, C>>(
  schema: S,
  config?: EntityConfiguration,
): Entity<A, F, C, S> {
  return new PrevalidatedEntity<A, F, C, S>(schema, config);
}

/** The item ElectroDB reads and writes for an entity built from this schema: `EntityItem` of that entity. */
export type SchemaItem<S> = S extends Schema<infer A, infer F, infer C> ? EntityItem<Entity<A, F, C, S>> : never;
