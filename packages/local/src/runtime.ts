import { createServer, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { routes, subscriptions } from "../../../infra/manifest.ts";
import { readBody, routeMatcher, toApiEvent, writeGatewayError, writeResult } from "./api-gateway.ts";
import { type Emulators, PortInUseError, startEmulators } from "./emulators.ts";
import { lambdaEnvironment, localCredentials } from "./environment.ts";
import { QueueEventSource } from "./event-source.ts";
import { type FaultRule, FaultSwitch, parseFaultRules, seededRandom } from "./faults.ts";
import { type Handler, invocationContext, loadHandler, repoRoot } from "./handlers.ts";
import { type LocalResources, provision } from "./provision.ts";
import type { LocalTelemetry } from "./telemetry.ts";

export interface LocalSystemOptions {
  stage: string;
  host: string;
  port: number;
  sqsS3Port: number;
  dynamoPort: number;
  dataDir?: string;
  pollers: number;
  /** The bearer token of the admin API. */
  adminToken: string;
  /** Local only: a shorter visibility timeout, so that a killed batch comes back quickly. */
  visibilityTimeoutSeconds?: number | undefined;
  /** Counts the handlers' metrics, when installed. */
  telemetry?: LocalTelemetry;
  /** Seeds the fault switch's randomness, so that a faulty run can be repeated. */
  faultSeed?: number | undefined;
  /** AWS calls to fail from the start, e.g. `["S3:PutObject"]`. */
  faults: FaultRule[];
  log: (line: string) => void;
}

export interface LocalSystem {
  url: string;
  faults: FaultSwitch;
  resources: LocalResources;
  emulators: Emulators;
  stop(): Promise<void>;
}

/** Local only, not in the route table: read or set the fault switch. */
export const FAULTS_PATH = "/_local/faults";
/** Local only: the metric counters the handlers emitted, and the queue depths. */
export const METRICS_PATH = "/_local/metrics";
/** Local only: where the emulated queues are, for tests that bypass the API. */
export const QUEUES_PATH = "/_local/queues";

function serveFaults(method: string, body: Buffer, faults: FaultSwitch, response: ServerResponse): void {
  const reply = (status: number, payload: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(payload));
  };
  if (method === "PUT") {
    try {
      const { rules } = JSON.parse(body.toString("utf8") || "{}") as { rules?: unknown };
      faults.set(parseFaultRules(Array.isArray(rules) ? rules.join(",") : ""));
    } catch (error) {
      reply(400, { error: "INVALID_INPUT", message: (error as Error).message });
      return;
    }
  } else if (method !== "GET") {
    reply(405, { error: "METHOD_NOT_ALLOWED", message: "GET or PUT" });
    return;
  }
  reply(200, { rules: faults.rules, stats: faults.stats });
}

/** Messages in a queue, visible and in flight. */
async function depth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port, "API") : error),
    );
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

/**
 * Runs the whole system offline: emulators, the resources `infra/` declares,
 * the API routes on a local HTTP server, and OrdersProcessor fed from
 * OrdersQueue, all calling the very same handlers as Lambda.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { log } = options;
  // Claim the API port first, so a taken port fails before anything starts.
  const server = createServer();
  const apiPort = await listen(server, options.host, options.port);
  const emulators = await startEmulators({
    sqsS3Port: options.sqsS3Port,
    dynamoPort: options.dynamoPort,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  }).catch(async (error: unknown) => {
    server.close();
    throw error;
  });

  Object.assign(process.env, localCredentials());
  const clients = {
    dynamo: new DynamoDBClient({ endpoint: emulators.dynamoEndpoint }),
    s3: new S3Client({ endpoint: emulators.sqsS3Endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ endpoint: emulators.sqsS3Endpoint, useQueueUrlAsEndpoint: false }),
  };
  const resources = await provision(clients, options.stage, {
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
  });
  Object.assign(process.env, lambdaEnvironment(options.stage, emulators, resources, options.adminToken));

  const match = routeMatcher(routes);
  const routeHandlers = new Map<string, Handler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>>();
  for (const route of routes) routeHandlers.set(route.handler, await loadHandler(route.handler));

  // The handlers' own SDK clients get the fault switch as middleware.
  const faults = new FaultSwitch(options.faultSeed === undefined ? {} : { random: seededRandom(options.faultSeed) });
  faults.set(options.faults);
  const { sdkClients } = (await import(
    pathToFileURL(join(repoRoot, "packages/functions/src/composition/sdk-clients.ts")).href
  )) as typeof import("@orders/functions/composition/sdk-clients");
  const shared = sdkClients();
  faults.attach("DynamoDB", shared.dynamo);
  faults.attach("S3", shared.s3);
  faults.attach("SQS", shared.sqs);

  server.on("request", async (request, response) => {
    const started = Date.now();
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const matched = match(request.method ?? "GET", path);
    const done = () => log(`${request.method} ${request.url} → ${response.statusCode} ${Date.now() - started}ms`);
    response.on("finish", done);
    const body = await readBody(request);
    if (body === "too-large") return writeGatewayError(response, 413, "Request Entity Too Large");
    if (path === FAULTS_PATH) return serveFaults(request.method ?? "GET", body, faults, response);
    if (path === QUEUES_PATH) {
      response.writeHead(200, { "content-type": "application/json" });
      const body = {
        endpoint: emulators.sqsS3Endpoint,
        OrdersQueue: resources.queue.url,
        OrdersDlq: resources.dlq.url,
      };
      return response.end(JSON.stringify(body));
    }
    if (path === METRICS_PATH) {
      const queues = {
        OrdersQueue: await depth(clients.sqs, resources.queue.url),
        OrdersDlq: await depth(clients.sqs, resources.dlq.url),
      };
      response.writeHead(200, { "content-type": "application/json" });
      return response.end(JSON.stringify({ counters: options.telemetry?.counters ?? {}, queues }));
    }
    if (!matched) return writeGatewayError(response, 404, "Not Found");
    const handler = routeHandlers.get(matched.route.handler);
    try {
      const context = invocationContext(matched.route.handler, matched.route.timeoutSeconds);
      writeResult(
        response,
        await (handler as Handler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>)(
          toApiEvent(request, body, matched),
          context,
        ),
      );
    } catch (error) {
      log(`handler ${matched.route.handler} threw: ${(error as Error).message}`);
      writeGatewayError(response, 500, "Internal Server Error");
    }
  });

  const sources: QueueEventSource[] = [];
  for (const subscription of subscriptions) {
    const source = new QueueEventSource({
      client: clients.sqs,
      queueUrl: resources.queue.url,
      queueArn: resources.queue.arn,
      functionName: subscription.name,
      handler: await loadHandler<SQSEvent, SQSBatchResponse | undefined>(subscription.handler),
      batchSize: subscription.batchSize,
      timeoutSeconds: subscription.timeoutSeconds,
      concurrency: options.pollers,
      onBatch: ({ functionName, received, failed, ms }) =>
        log(`${functionName} batch of ${received}: ${received - failed} ok, ${failed} failed, ${ms}ms`),
      onError: (error) => log(`${subscription.name} poll error: ${(error as Error).message}`),
    });
    source.start();
    sources.push(source);
  }

  return {
    url: `http://${options.host}:${apiPort}`,
    faults,
    resources,
    emulators,
    async stop() {
      await Promise.all(sources.map((source) => source.stop()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await emulators.stop();
    },
  };
}
