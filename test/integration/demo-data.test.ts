import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoAccountLedger } from "@orders/core/adapters/dynamo-account-ledger";
import { DynamoStockLedger } from "@orders/core/adapters/dynamo-stock-ledger";
import { tableAccess } from "@orders/core/adapters/table-access";
import { ordersService } from "@orders/core/entities/service";
import { assertLoopback } from "@orders/harness/local-stage";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_STOCK, loadDemoData } from "../../packages/local/src/demo-data.ts";
import { localCredentials } from "../../packages/local/src/environment.ts";
import { provision } from "../../packages/local/src/provision.ts";

const dynamoEndpoint = inject("dynamoEndpoint");
const sqsS3Endpoint = inject("sqsS3Endpoint");
let table: string;
let accounts: DynamoAccountLedger;
let stock: DynamoStockLedger;

beforeAll(async () => {
  assertLoopback(dynamoEndpoint);
  assertLoopback(sqsS3Endpoint);
  Object.assign(process.env, localCredentials());
  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint });
  const clients = {
    dynamo,
    s3: new S3Client({ endpoint: sqsS3Endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ endpoint: sqsS3Endpoint, useQueueUrlAsEndpoint: false }),
    sns: new SNSClient({ endpoint: sqsS3Endpoint }),
  };
  // A stage of its own, with no accounts yet: the demo data is what opens them.
  ({ table } = await provision(clients, `demo-${randomUUID().slice(0, 8)}`));
  const service = ordersService({ client: DynamoDBDocumentClient.from(dynamo), table });
  accounts = new DynamoAccountLedger(tableAccess(service));
  stock = new DynamoStockLedger(tableAccess(service));
});

describe("the demo data npm start loads", () => {
  it("opens and funds the accounts and stocks the skus on a first start, in one line", async () => {
    // Act
    const line = await loadDemoData({ dynamoEndpoint, table });
    // Assert
    expect(line).toBe(
      "demo data: opened accounts 1111111 (10000), 7777777, 2222222 (100); stocked KB-01 ×100, MS-02 ×100, GPU-9 ×1" +
        " (the README's examples use them; npm run reset clears them)",
    );
    for (const { accountId, deposit } of DEMO_ACCOUNTS) {
      expect((await accounts.find(accountId))?.balanceCents).toBe((deposit ?? 0) * 100);
    }
    for (const { sku, onHand } of DEMO_STOCK) expect(await stock.find(sku)).toMatchObject({ onHand, reserved: 0 });
  });

  it("changes nothing on a later start: no second deposit, and stock that moved stays as it is", async () => {
    // Arrange: the examples (or an operator) moved things since.
    await stock.setOnHand("KB-01", 98, new Date().toISOString());
    // Act
    const line = await loadDemoData({ dynamoEndpoint, table });
    // Assert
    expect(line).toBe("demo data: in place (accounts 1111111, 7777777, 2222222; skus KB-01, MS-02, GPU-9)");
    expect((await accounts.find("1111111"))?.balanceCents).toBe(1_000_000);
    expect((await accounts.find("1111111"))?.entries).toHaveLength(1);
    expect(await stock.find("KB-01")).toMatchObject({ onHand: 98 });
  });

  it("says it could not load, and does not throw, when the table cannot be reached", async () => {
    const line = await loadDemoData({ dynamoEndpoint, table: `missing-${randomUUID()}` });
    expect(line).toMatch(/^demo data: not loaded \(.+\); the next start tries again$/);
  });
});
