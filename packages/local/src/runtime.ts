import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { routes, subscriptions } from "../../../infra/manifest.ts";
import { readBody, routeMatcher, toApiEvent, writeGatewayError, writeResult } from "./api-gateway.ts";
import { type Emulators, listen, startEmulators } from "./emulators.ts";
import { lambdaEnvironment, localCredentials } from "./environment.ts";
import { QueueEventSource } from "./event-source.ts";
import { type FaultRule, FaultSwitch, seededRandom } from "./faults.ts";
import { type Handler, invocationContext, loadHandler, repoRoot } from "./handlers.ts";
import { LOCAL_ENDPOINTS } from "./local-endpoints.ts";
import { type LocalResources, provision } from "./provision.ts";
import { type RequestListener, StartupGate } from "./startup-gate.ts";
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

/**
 * Runs the whole system offline: emulators, the resources `infra/` declares,
 * the API routes on a local HTTP server, and OrdersProcessor fed from
 * OrdersQueue, all calling the very same handlers as Lambda.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { log } = options;
  // Claim the API port first, so a taken port fails before anything starts;
  // until the system is ready, the gate answers 503 STARTING rather than
  // leaving a request unanswered.
  const gate = new StartupGate();
  const server = createServer(gate.handle);
  const apiPort = await listen(server, options.port, "API", options.host);
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
  const localContext = {
    faults,
    telemetry: options.telemetry,
    sqs: clients.sqs,
    sqsS3Endpoint: emulators.sqsS3Endpoint,
    resources,
  };

  const serve: RequestListener = async (request, response) => {
    const started = Date.now();
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const matched = match(request.method ?? "GET", path);
    const done = () => log(`${request.method} ${request.url} → ${response.statusCode} ${Date.now() - started}ms`);
    response.on("finish", done);
    const body = await readBody(request);
    if (body === "too-large") return writeGatewayError(response, 413, "Request Entity Too Large");
    const local = LOCAL_ENDPOINTS[path];
    if (local) {
      const reply = await local(request.method ?? "GET", body, localContext);
      response.writeHead(reply.status, { "content-type": "application/json" });
      return response.end(JSON.stringify(reply.body));
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
  };

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

  gate.open(serve);
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
