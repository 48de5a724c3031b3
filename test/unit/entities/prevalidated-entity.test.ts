import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { PrevalidatedEntity, prevalidatedEntity } from "@orders/core/entities/prevalidated-entity";
import { ordersService } from "@orders/core/entities/service";
import { Entity } from "electrodb";
import { describe, expect, it } from "vitest";

// A model ElectroDB's JSON Schema rejects (`required` must be a boolean) but can still build.
const invalidModel = {
  model: { entity: "probe", version: "1", service: "orders" },
  attributes: { id: { type: "string", required: "yes" } },
  indexes: { byId: { pk: { field: "pk", composite: ["id"] }, sk: { field: "sk", composite: [] } } },
} as const;

describe("entities built without ElectroDB's model check at each cold start", () => {
  it("every entity of the table passes ElectroDB's own model check, made here once instead", () => {
    // Arrange
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
    const { entities } = ordersService({ client, table: "prevalidated-test" });

    // Act
    const checked = Object.entries(entities).map(([name, entity]) => {
      // `schema` is the model the entity was built from (ElectroDB keeps it as given).
      const schema = (entity as unknown as { schema: object }).schema;
      return { name, check: () => new Entity(schema as never, { table: "prevalidated-test" }) };
    });

    // Assert
    expect(checked.length).toBeGreaterThanOrEqual(12);
    for (const { name, check } of checked) expect(check, name).not.toThrow();
  });

  it("builds every entity of the table without the check, so that a new entity does not bring it back", () => {
    // Arrange
    const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));

    // Act
    const { entities } = ordersService({ client, table: "prevalidated-test" });

    // Assert
    for (const [name, entity] of Object.entries(entities)) expect(entity, name).toBeInstanceOf(PrevalidatedEntity);
  });

  it("skips the check: a model ElectroDB rejects still builds (the override of _validateModel takes effect)", () => {
    // Arrange: the stock Entity rejects it, so the probe is a real failure of the check.
    expect(() => new Entity(invalidModel as never)).toThrow(/required is not of a type/);

    // Act
    const build = () => prevalidatedEntity(invalidModel as never);

    // Assert: if an ElectroDB release renames _validateModel, this fails and the models are checked at every init again.
    expect(build).not.toThrow();
  });

  it("behaves as ElectroDB's Entity once built", () => {
    // Arrange
    const valid = { ...invalidModel, attributes: { id: { type: "string", required: true } } } as const;

    // Act
    const keys = prevalidatedEntity(valid, { table: "t" }).get({ id: "Order-1" }).params();

    // Assert
    expect(keys).toEqual(new Entity(valid, { table: "t" }).get({ id: "Order-1" }).params());
  });
});
