import { type FunctionSpec, type LinkName, ordersConfig } from "@orders/infra/manifest";
import type { LocalResources } from "./provision.ts";

export interface Endpoints {
  sqsS3Endpoint: string;
  dynamoEndpoint: string;
  /** The runtime's X-Ray stand-in (local-xray.ts), where an order's trace is read. */
  xrayEndpoint?: string | undefined;
  /** The runtime's CloudWatch stand-in (local-cloudwatch.ts), once the API listens. */
  cloudwatchEndpoint?: string;
}

/** Local settings that differ from the manifest's. */
export interface LocalSettings {
  /** The webhook circuit's first cool-down, in place of the manifest's 30 s (up to 8 times it): drills and tests. */
  circuitCoolDownSeconds?: number | undefined;
}

/** OrdersConfig as the local functions read it. */
function localOrdersConfig(settings: LocalSettings) {
  const { notifications } = ordersConfig;
  const coolDown = settings.circuitCoolDownSeconds;
  const circuit =
    coolDown === undefined
      ? notifications.circuit
      : { ...notifications.circuit, coolDownSeconds: coolDown, maxCoolDownSeconds: Math.min(900, 8 * coolDown) };
  // Local only: webhooks may be received on 127.0.0.1 over http (the e2e tests do).
  return { ...ordersConfig, webhooks: { allowLoopbackHttp: true }, notifications: { ...notifications, circuit } };
}

/** What SST links carry for each linkable resource, as `SST_RESOURCE_<Name>` would hold it. */
function linkables(
  resources: LocalResources,
  adminToken: string,
  settings: LocalSettings = {},
): Record<LinkName, object> {
  return {
    AdminToken: { value: adminToken, type: "sst.sst.Secret" },
    OrdersTable: { name: resources.table, type: "sst.aws.Dynamo" },
    OrdersBucket: { name: resources.bucket, type: "sst.aws.Bucket" },
    OrdersQueue: { url: resources.queue.url, type: "sst.aws.Queue" },
    OrdersDlq: { url: resources.dlq.url, type: "sst.aws.Queue" },
    OrderEvents: { arn: resources.topicArn, type: "sst.aws.SnsTopic" },
    NotificationsQueue: { url: resources.notificationsQueue.url, type: "sst.aws.Queue" },
    NotificationsDlq: { url: resources.notificationsDlq.url, type: "sst.aws.Queue" },
    OrdersConfig: { ...localOrdersConfig(settings), type: "sst.sst.Linkable" },
  };
}

/** `SST_RESOURCE_*` for the given links; SST always adds `App`. */
function linkedVariables(
  stage: string,
  resources: LocalResources,
  adminToken: string,
  links: readonly LinkName[],
  settings: LocalSettings = {},
): Record<string, string> {
  const all = linkables(resources, adminToken, settings);
  const linked: Record<string, object> = { App: { name: "orders", stage } };
  for (const name of links) linked[name] = all[name];
  return Object.fromEntries(
    Object.entries(linked).map(([name, value]) => [`SST_RESOURCE_${name}`, JSON.stringify(value)]),
  );
}

/** The SDK's own endpoint variables, pointing at the emulators: handlers have no local branch. */
function endpointVariables(endpoints: Endpoints): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SQS: endpoints.sqsS3Endpoint,
    AWS_ENDPOINT_URL_S3: endpoints.sqsS3Endpoint,
    AWS_ENDPOINT_URL_SNS: endpoints.sqsS3Endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamoEndpoint,
    ...(endpoints.xrayEndpoint ? { AWS_ENDPOINT_URL_XRAY: endpoints.xrayEndpoint } : {}),
    ...(endpoints.cloudwatchEndpoint ? { AWS_ENDPOINT_URL_CLOUDWATCH: endpoints.cloudwatchEndpoint } : {}),
  };
}

/**
 * What the handlers see when they all share this process (the in-process mode,
 * and test harnesses): every resource linked, and the emulators' endpoints.
 */
export function lambdaEnvironment(
  stage: string,
  endpoints: Endpoints,
  resources: LocalResources,
  adminToken: string,
  settings: LocalSettings = {},
): Record<string, string> {
  const every = Object.keys(linkables(resources, adminToken)) as LinkName[];
  return { ...linkedVariables(stage, resources, adminToken, every, settings), ...endpointVariables(endpoints) };
}

/** Host variables a Lambda execution environment also has, passed through when set. */
const PASSED_THROUGH = /^(PATH|LANG|TZ|POWERTOOLS_.*|NODE_OPTIONS)$/;

/**
 * One function's whole environment, as Lambda builds it: only its own links'
 * `SST_RESOURCE_*` (so reading anything else fails as deployed, with SST's
 * "is not linked" error), the standard Lambda variables, credentials and
 * region, and the emulators' endpoints. Nothing else of this process leaks in.
 */
export function functionEnvironment(
  fn: { name: string; spec: FunctionSpec },
  context: { stage: string; endpoints: Endpoints; resources: LocalResources; adminToken: string } & LocalSettings,
): Record<string, string> {
  const { stage, endpoints, resources, adminToken } = context;
  const host = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => PASSED_THROUGH.test(entry[0]) && entry[1] !== undefined,
    ),
  );
  const credentials = localCredentials();
  return {
    ...host,
    ...credentials,
    AWS_DEFAULT_REGION: credentials.AWS_REGION ?? "us-east-1",
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: "local",
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
    // The runtime records the spans itself (span-recorder.ts): Powertools Tracer is never loaded here.
    POWERTOOLS_TRACE_ENABLED: "false",
    ...linkedVariables(stage, resources, adminToken, fn.spec.links, context),
    ...endpointVariables(endpoints),
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
