import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ordersService } from "@orders/core/entities/service";
import { Service } from "electrodb";
import { describe, expect, it } from "vitest";

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));

describe("the table's service", () => {
  it("reads an order's history with the same query as a Service of every entity would", () => {
    // Arrange: ElectroDB filters a collection's items by its members, so a member left out changes the query.
    const service = ordersService({ client, table: "service-test" });
    const everyEntity = new Service({ ...service.entities });

    // Act
    const params = service.collections.orderHistory({ orderId: "Order-1" }).params();

    // Assert
    expect(params).toEqual(everyEntity.collections.orderHistory({ orderId: "Order-1" }).params());
  });

  it("joins the history once, on first use", () => {
    // Arrange
    const service = ordersService({ client, table: "service-test" });

    // Act
    const first = service.collections;
    const second = service.collections;

    // Assert
    expect(second).toBe(first);
  });
});
