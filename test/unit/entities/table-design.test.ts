import { tableDesign } from "@orders/core/entities/table-design";
import { describe, expect, it } from "vitest";

describe("table design", () => {
  it("derives generic pk/sk keys from the entities", () => {
    expect(tableDesign()).toEqual({
      fields: { pk: "string", sk: "string", gsi1pk: "string", gsi1sk: "string" },
      primaryIndex: { hashKey: "pk", rangeKey: "sk" },
      globalIndexes: { gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" } },
    });
  });

  it("collects global indexes by their table index name", () => {
    const design = tableDesign([
      { indexes: { byId: { pk: { field: "pk" }, sk: { field: "sk" } } } },
      { indexes: { byReason: { index: "gsi1", pk: { field: "gsi1pk" }, sk: { field: "gsi1sk" } } } },
    ]);
    expect(design.globalIndexes).toEqual({ gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk" } });
  });

  it("refuses entities that disagree on an index's keys", () => {
    expect(() =>
      tableDesign([
        { indexes: { a: { index: "gsi1", pk: { field: "gsi1pk" }, sk: { field: "gsi1sk" } } } },
        { indexes: { b: { index: "gsi1", pk: { field: "other" }, sk: { field: "gsi1sk" } } } },
      ]),
    ).toThrow(/disagree/);
  });
});
