import { tableDesign } from "@orders/core/entities/table-design";
import { describe, expect, it } from "vitest";

describe("table design", () => {
  it("derives generic pk/sk keys from the entities", () => {
    expect(tableDesign()).toEqual({
      fields: {
        pk: "string",
        sk: "string",
        gsi1pk: "string",
        gsi1sk: "string",
        gsi2pk: "string",
        gsi2sk: "string",
        gsi3pk: "string",
        gsi3sk: "string",
        gsi4pk: "string",
        gsi4sk: "string",
      },
      primaryIndex: { hashKey: "pk", rangeKey: "sk" },
      globalIndexes: {
        gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk", projection: "all" },
        // The account listings: keys only, so that no update of an order rewrites its entries.
        gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk", projection: "keys-only" },
        gsi3: { hashKey: "gsi3pk", rangeKey: "gsi3sk", projection: "keys-only" },
        // The operators' search by the hour an order was received: keys only, written once with the order.
        gsi4: { hashKey: "gsi4pk", rangeKey: "gsi4sk", projection: "keys-only" },
      },
    });
  });

  it("collects global indexes by their table index name", () => {
    const design = tableDesign([
      { indexes: { byId: { pk: { field: "pk" }, sk: { field: "sk" } } } },
      { indexes: { byReason: { index: "gsi1", pk: { field: "gsi1pk" }, sk: { field: "gsi1sk" } } } },
    ]);
    expect(design.globalIndexes).toEqual({ gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk", projection: "all" } });
  });

  it("refuses entities that disagree on what an index projects", () => {
    expect(() =>
      tableDesign([
        { indexes: { a: { index: "gsi1", pk: { field: "gsi1pk" }, sk: { field: "gsi1sk" } } } },
        {
          indexes: { b: { index: "gsi1", projection: "keys_only", pk: { field: "gsi1pk" }, sk: { field: "gsi1sk" } } },
        },
      ]),
    ).toThrow(/project/);
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
