import { describe, expect, it } from "vitest";
import { dynamoStoreOf } from "../../../packages/local/src/emulators.ts";

describe("the local DynamoDB store setting", () => {
  it("keeps a data directory's table in SQLite unless told leveldb, and refuses anything else", () => {
    expect(dynamoStoreOf({})).toBe("sqlite");
    expect(dynamoStoreOf({ ORDERS_DYNAMO_STORE: "leveldb" })).toBe("leveldb");
    expect(() => dynamoStoreOf({ ORDERS_DYNAMO_STORE: "redis" })).toThrow(/sqlite or leveldb/);
  });
});
