import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { historyQuery, queryHistory } from "@orders/core/adapters/history-query";
import { ordersService } from "@orders/core/entities/service";
import { Service } from "electrodb";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));
const { entities } = ordersService({ client, table: "history-test" });
// ElectroDB filters a collection's items by its members: an entity that joins orderHistory changes this query.
const everyEntity = new Service({ ...entities });
const { documents } = mockedClients({ documents: DynamoDBDocumentClient });

describe("an order's history, read without ElectroDB's Service", () => {
  it("is the query ElectroDB's orderHistory collection sends, for any order id", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), (orderId) => {
        // Act
        const query = historyQuery("history-test", orderId);

        // Assert
        expect(query).toEqual(everyEntity.collections.orderHistory({ orderId }).params());
      }),
    );
  });

  it("reads every page, and each entity's items parse as ElectroDB's collection returns them", async () => {
    // Arrange: two pages, the order first, a duplicate on the second.
    const stored = (entity: string, fields: object) => ({ ...fields, __edb_e__: entity, __edb_v__: "1" });
    const order = stored("order", { pk: "p", sk: "a", orderId: "Order-1", status: "PENDING" });
    const duplicate = stored("orderDuplicate", { pk: "p", sk: "b", orderId: "Order-1", submissionId: "s-2" });
    documents
      .on(QueryCommand)
      .resolvesOnce({ Items: [order], LastEvaluatedKey: { pk: "p", sk: "a" } })
      .resolvesOnce({ Items: [duplicate] });
    const binding = { client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), table: "t" };

    // Act
    const Items = await queryHistory(binding, "Order-1");

    // Assert
    expect(documents.commandCalls(QueryCommand).map((call) => call.args[0].input.ExclusiveStartKey)).toEqual([
      undefined,
      { pk: "p", sk: "a" },
    ]);
    expect(entities.order.parse({ Items }).data).toEqual([{ orderId: "Order-1", status: "PENDING" }]);
    expect(entities.orderDuplicate.parse({ Items }).data).toEqual([{ orderId: "Order-1", submissionId: "s-2" }]);
    expect(entities.notification.parse({ Items }).data).toEqual([]);
  });
});
