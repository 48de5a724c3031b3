import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoAccountLedger } from "@orders/core/adapters/dynamo-account-ledger";
import { tableAccess } from "@orders/core/adapters/table-access";
import { ordersService } from "@orders/core/entities/service";
import { type Endpoints, lambdaEnvironment, localCredentials } from "@orders/local/environment";
import { type LocalResources, provision } from "@orders/local/provision";

/** Integration tests talk to emulators on this machine and nothing else. */
export function assertLoopback(endpoint: string): void {
  const { hostname } = new URL(endpoint);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(hostname)) {
    throw new Error(`Refusing to run integration tests against ${endpoint}: only loopback emulators are allowed`);
  }
}

/** The admin token of every test stage. */
export const TEST_ADMIN_TOKEN = "test-admin-token-0123456789";

export interface LocalStage {
  stage: string;
  resources: LocalResources;
  clients: { dynamo: DynamoDBClient; document: DynamoDBDocumentClient; s3: S3Client; sqs: SQSClient; sns: SNSClient };
}

/**
 * Provisions a fresh, uniquely named stage on the emulators and puts its
 * linked resources in this process's environment, as Lambda would. Import
 * handlers only after this resolves.
 */
export async function localStage(endpoints: Endpoints): Promise<LocalStage> {
  assertLoopback(endpoints.sqsS3Endpoint);
  assertLoopback(endpoints.dynamoEndpoint);
  Object.assign(process.env, localCredentials());
  const dynamo = new DynamoDBClient({ endpoint: endpoints.dynamoEndpoint });
  const clients = {
    dynamo,
    document: DynamoDBDocumentClient.from(dynamo),
    s3: new S3Client({ endpoint: endpoints.sqsS3Endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ endpoint: endpoints.sqsS3Endpoint, useQueueUrlAsEndpoint: false }),
    sns: new SNSClient({ endpoint: endpoints.sqsS3Endpoint }),
  };
  const stage = `it-${randomUUID().slice(0, 8)}`;
  const resources = await provision(clients, stage);
  Object.assign(process.env, lambdaEnvironment(stage, endpoints, resources, TEST_ADMIN_TOKEN), {
    POWERTOOLS_LOG_LEVEL: "SILENT",
    POWERTOOLS_METRICS_DISABLED: "true",
  });
  await openDemoAccounts(clients.document, resources.table);
  return { stage, resources, clients };
}

/** The accounts the factories' orders move money between, funded for any test. */
export const DEMO_PAYER = "1111111";
export const DEMO_PAYEE = "7777777";

async function openDemoAccounts(client: DynamoDBDocumentClient, table: string): Promise<void> {
  const ledger = new DynamoAccountLedger(tableAccess(ordersService({ client, table })));
  const at = new Date().toISOString();
  await ledger.open(DEMO_PAYER, at);
  await ledger.open(DEMO_PAYEE, at);
  await ledger.deposit(DEMO_PAYER, "test-stage-funds", 1_000_000_000_00, at);
}
