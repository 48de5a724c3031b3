import type { SQSClient } from "@aws-sdk/client-sqs";
import { queueDepth } from "@orders/core/adapters/sqs-queue-depth";
import { type FaultSwitch, parseFaultRules } from "./faults.ts";
import { getMetricData } from "./local-cloudwatch.ts";
import { batchGetTraces, getTraceSummaries } from "./local-xray.ts";
import type { LocalResources } from "./provision.ts";
import type { LocalTelemetry } from "./telemetry.ts";
import type { TraceStore } from "./trace-store.ts";

/**
 * Endpoints of the local runtime only: not in the route table, never
 * deployed. They let an operator or a test switch faults, read metric
 * counters and queue depths, and find the emulated queues.
 */
export interface LocalEndpointContext {
  faults: FaultSwitch;
  telemetry: LocalTelemetry | undefined;
  sqs: SQSClient;
  sqsS3Endpoint: string;
  dynamoEndpoint: string;
  resources: LocalResources;
  /** The spans of the orders' traces, which `/_local/xray` serves as X-Ray would. */
  traces?: TraceStore | undefined;
}

export interface LocalReply {
  status: number;
  body: unknown;
}

async function faultsEndpoint(method: string, body: Buffer, { faults }: LocalEndpointContext): Promise<LocalReply> {
  if (method === "PUT") {
    try {
      const { rules } = JSON.parse(body.toString("utf8") || "{}") as { rules?: unknown };
      faults.set(parseFaultRules(Array.isArray(rules) ? rules.join(",") : ""));
    } catch (error) {
      return { status: 400, body: { error: "INVALID_INPUT", message: (error as Error).message } };
    }
  } else if (method !== "GET") {
    return { status: 405, body: { error: "METHOD_NOT_ALLOWED", message: "GET or PUT" } };
  }
  return { status: 200, body: { rules: faults.rules, stats: faults.stats } };
}

async function metricsEndpoint(_method: string, _body: Buffer, context: LocalEndpointContext): Promise<LocalReply> {
  const queues = {
    OrdersQueue: await queueDepth(context.sqs, context.resources.queue.url),
    OrdersDlq: await queueDepth(context.sqs, context.resources.dlq.url),
    NotificationsQueue: await queueDepth(context.sqs, context.resources.notificationsQueue.url),
    NotificationsDlq: await queueDepth(context.sqs, context.resources.notificationsDlq.url),
    SchedulesDlq: await queueDepth(context.sqs, context.resources.schedulesDlq.url),
  };
  return { status: 200, body: { counters: context.telemetry?.counters ?? {}, queues } };
}

async function queuesEndpoint(_method: string, _body: Buffer, context: LocalEndpointContext): Promise<LocalReply> {
  const { queue, dlq, notificationsQueue, notificationsDlq, schedulesDlq, topicArn } = context.resources;
  return {
    status: 200,
    body: {
      endpoint: context.sqsS3Endpoint,
      OrdersQueue: queue.url,
      OrdersDlq: dlq.url,
      NotificationsQueue: notificationsQueue.url,
      NotificationsDlq: notificationsDlq.url,
      SchedulesDlq: schedulesDlq.url,
      OrderEvents: topicArn,
    },
  };
}

/**
 * Where this system keeps its data: both emulators' endpoints and the table's,
 * bucket's and queues' names. `npm run backup` and `npm run restore` find the
 * running system here, so they need only its API's address.
 */
async function resourcesEndpoint(_method: string, _body: Buffer, context: LocalEndpointContext): Promise<LocalReply> {
  const { table, bucket, queue, dlq, notificationsQueue, notificationsDlq } = context.resources;
  return {
    status: 200,
    body: {
      dynamoEndpoint: context.dynamoEndpoint,
      sqsS3Endpoint: context.sqsS3Endpoint,
      table,
      bucket,
      queues: {
        OrdersQueue: queue.url,
        OrdersDlq: dlq.url,
        NotificationsQueue: notificationsQueue.url,
        NotificationsDlq: notificationsDlq.url,
      },
    },
  };
}

/** CloudWatch's GetMetricData over the runtime's readings (local-cloudwatch.ts): the SDK posts to the endpoint's path + "/". */
async function cloudwatchEndpoint(method: string, body: Buffer, context: LocalEndpointContext): Promise<LocalReply> {
  if (method !== "POST") return { status: 405, body: { error: "METHOD_NOT_ALLOWED", message: "POST" } };
  return getMetricData(body.toString("utf8"), context.telemetry);
}

/** X-Ray's two reads over the runtime's spans (local-xray.ts): the SDK posts to the endpoint's path + `/TraceSummaries` or `/Traces`. */
function xrayEndpoint(read: typeof getTraceSummaries) {
  return async (method: string, body: Buffer, { traces }: LocalEndpointContext): Promise<LocalReply> => {
    if (method !== "POST") return { status: 405, body: { error: "METHOD_NOT_ALLOWED", message: "POST" } };
    if (!traces) return { status: 503, body: { message: "This runtime records no traces" } };
    return read(body.toString("utf8"), traces);
  };
}

export const LOCAL_ENDPOINTS: Record<string, typeof faultsEndpoint> = {
  "/_local/xray/TraceSummaries": xrayEndpoint(getTraceSummaries),
  "/_local/xray/Traces": xrayEndpoint(batchGetTraces),
  "/_local/cloudwatch/": cloudwatchEndpoint,
  "/_local/faults": faultsEndpoint,
  "/_local/metrics": metricsEndpoint,
  "/_local/queues": queuesEndpoint,
  "/_local/resources": resourcesEndpoint,
};
