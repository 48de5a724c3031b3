import { randomUUID } from "node:crypto";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { claimWrite } from "@orders/core/adapters/table-writes";
import { tableDesign } from "@orders/core/entities/table-design";
import { anOrderRecord } from "@orders/harness/factories";
import { assertLoopback } from "@orders/harness/local-stage";
import { describe, expect, inject, it } from "vitest";
import { localCredentials } from "../../packages/local/src/environment.ts";
import { createTableInput, provision, resourceNames } from "../../packages/local/src/provision.ts";

const dynamoEndpoint = inject("dynamoEndpoint");
const sqsS3Endpoint = inject("sqsS3Endpoint");

describe("a local table from before the listing indexes", () => {
  it("is rebuilt by npm start's provisioning with every index, its items kept and its orders listed", async () => {
    // Arrange: the table as it was, gsi1 only, holding an order written without listing keys.
    assertLoopback(dynamoEndpoint);
    assertLoopback(sqsS3Endpoint);
    Object.assign(process.env, localCredentials());
    const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint });
    const document = DynamoDBDocumentClient.from(dynamo);
    const stage = `old-${randomUUID().slice(0, 8)}`;
    const { table } = resourceNames(stage);
    const design = tableDesign();
    const { gsi1 } = design.globalIndexes;
    if (!gsi1) throw new Error("no gsi1");
    const { pk, sk, gsi1pk, gsi1sk } = design.fields;
    const before = { ...design, fields: { pk, sk, gsi1pk, gsi1sk }, globalIndexes: { gsi1 } } as typeof design;
    await dynamo.send(new CreateTableCommand(createTableInput(table, before)));
    const record = anOrderRecord({ fromAccount: "5551234", toAccount: "5554321" });
    const { Item } = claimWrite(table, { ...record, sweepShard: 0 });
    const { gsi2pk: _2, gsi2sk: _s2, gsi3pk: _3, gsi3sk: _s3, ...oldItem } = Item as Record<string, unknown>;
    await document.send(new PutCommand({ TableName: table, Item: oldItem }));
    const clients = {
      dynamo,
      s3: new S3Client({ endpoint: sqsS3Endpoint, forcePathStyle: true }),
      sqs: new SQSClient({ endpoint: sqsS3Endpoint, useQueueUrlAsEndpoint: false }),
      sns: new SNSClient({ endpoint: sqsS3Endpoint }),
    };

    // Act
    await provision(clients, stage);

    // Assert: every index of the design, the item back, and in both listings.
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: table }));
    expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual(
      Object.keys(design.globalIndexes).sort(),
    );
    const projections = Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.Projection?.ProjectionType]),
    );
    expect(projections).toMatchObject({ gsi1: "ALL", gsi2: "KEYS_ONLY", gsi3: "KEYS_ONLY" });
    for (const [index, key] of [
      ["gsi2", "$orders#fromAccount_5551234"],
      ["gsi3", "$orders#toAccount_5554321"],
    ] as const) {
      const { Items } = await document.send(
        new QueryCommand({
          TableName: table,
          IndexName: index,
          KeyConditionExpression: "#pk = :pk",
          ExpressionAttributeNames: { "#pk": `${index}pk` },
          ExpressionAttributeValues: { ":pk": key },
        }),
      );
      expect(Items?.map((item) => item.pk)).toEqual([Item?.pk]);
    }
  });
});
