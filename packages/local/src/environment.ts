import { ordersConfig } from "../../../infra/manifest.ts";
import type { LocalResources } from "./provision.ts";

export interface Endpoints {
  sqsS3Endpoint: string;
  dynamoEndpoint: string;
}

/**
 * What the handlers see, exactly as on AWS: linked resources as
 * `SST_RESOURCE_<Name>` JSON, and the SDK's own endpoint variables pointing at
 * the emulators. Handlers have no local branch.
 */
export function lambdaEnvironment(
  stage: string,
  endpoints: Endpoints,
  resources: LocalResources,
  adminToken: string,
): Record<string, string> {
  const linked = {
    App: { name: "orders", stage },
    AdminToken: { value: adminToken, type: "sst.sst.Secret" },
    OrdersTable: { name: resources.table, type: "sst.aws.Dynamo" },
    OrdersBucket: { name: resources.bucket, type: "sst.aws.Bucket" },
    OrdersQueue: { url: resources.queue.url, type: "sst.aws.Queue" },
    OrdersDlq: { url: resources.dlq.url, type: "sst.aws.Queue" },
    OrdersConfig: { ...ordersConfig, type: "sst.sst.Linkable" },
  };
  return {
    ...Object.fromEntries(
      Object.entries(linked).map(([name, value]) => [`SST_RESOURCE_${name}`, JSON.stringify(value)]),
    ),
    AWS_ENDPOINT_URL_SQS: endpoints.sqsS3Endpoint,
    AWS_ENDPOINT_URL_S3: endpoints.sqsS3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoEndpoint,
  };
}

/** Emulators accept any credentials; the SDK still wants some, and a region. */
export function localCredentials(): Record<string, string> {
  return {
    AWS_REGION: process.env.AWS_REGION ?? "us-east-1",
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? "local",
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? "local",
  };
}
