import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { DynamoStockLedger } from "@orders/core/adapters/dynamo-stock-ledger";
import { tableAccess } from "@orders/core/adapters/table-access";
import { DependencyError } from "@orders/core/domain/errors";
import { ordersService } from "@orders/core/entities/service";
import { describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { dynamo } = mockedClients({ dynamo: DynamoDBDocumentClient });

const ledger = () =>
  new DynamoStockLedger(
    tableAccess(ordersService({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), table: "t" })),
  );

/** The sku's item as a refused write returns it. */
const refusedWith = (available: number) =>
  new ConditionalCheckFailedException({
    message: "refused",
    $metadata: {},
    Item: marshall({
      pk: "$orders#sku_KB-01",
      sk: "$stock_1",
      sku: "KB-01",
      onHand: 10,
      reserved: 10 - available,
      available,
      holds: {},
      updatedAt: "2026-01-01T00:00:00.000Z",
      __edb_e__: "stock",
      __edb_v__: "1",
    }),
  });

describe("reserving under contention", () => {
  it("reports a shortfall only when the stock seen really falls short", async () => {
    dynamo.on(UpdateCommand).rejects(refusedWith(1));
    expect(await ledger().reserve("KB-01", "order-1", 2)).toEqual({ status: "SHORT", available: 1 });
  });

  it("retries while the stock seen fits, and fails the attempt, never the order, if the races never settle", async () => {
    dynamo.on(UpdateCommand).rejects(refusedWith(5));
    dynamo.on(GetCommand).resolves({});
    await expect(ledger().reserve("KB-01", "order-1", 2)).rejects.toBeInstanceOf(DependencyError);
    expect(dynamo.commandCalls(UpdateCommand).length).toBeGreaterThan(1);
  });

  it("holds once the race settles", async () => {
    dynamo.on(UpdateCommand).rejectsOnce(refusedWith(5)).resolves({});
    expect(await ledger().reserve("KB-01", "order-1", 2)).toEqual({ status: "HELD" });
  });
});
