import { createServer } from "node:http";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  routes as manifestRoutes,
  schedules as manifestSchedules,
  subscriptions as manifestSubscriptions,
  type RouteSpec,
  type ScheduleSpec,
  type SubscriptionSpec,
  type Throttle,
  throttling,
} from "@orders/infra/manifest";
import type { SQSBatchResponse } from "aws-lambda";
import { type Emulators, listen, startEmulators } from "./emulators.ts";
import { type LocalSettings, localCredentials } from "./environment.ts";
import { QueueEventSource } from "./event-source.ts";
import { type FaultRule, FaultSwitch, seededRandom } from "./faults.ts";
import { repoRoot } from "./handlers.ts";
import { createInvokers, type Isolation } from "./invokers.ts";
import type { LiveReload, ReloadTarget } from "./live-reload.ts";
import { sampleQueueDepths } from "./local-cloudwatch.ts";
import { type LocalFunction, routeFunctionName } from "./local-functions.ts";
import { issuerKeyFile, LocalIssuer } from "./local-issuer.ts";
import { type LocalResources, provision } from "./provision.ts";
import { RouteRateLimiter } from "./rate-limit.ts";
import { routeServer } from "./route-server.ts";
import { Scheduler } from "./scheduler.ts";
import type { CallCounts } from "./sdk-instrumentation.ts";
import { StartupGate } from "./startup-gate.ts";
import type { LocalTelemetry } from "./telemetry.ts";
import { TraceStore } from "./trace-store.ts";
import { warmOrder } from "./warm-order.ts";

export interface LocalSystemOptions extends LocalSettings {
  stage: string;
  host: string;
  port: number;
  sqsS3Port: number;
  dynamoPort: number;
  dataDir?: string;
  pollers: number;
  /** The bearer token of the admin API. */
  adminToken: string;
  /** The local issuer's signing key (default: `local-issuer.jwk` in the data directory, or in `.local-data`). */
  issuerKeyFile?: string | undefined;
  /** Local only: a shorter visibility timeout, so that a killed batch comes back quickly. */
  visibilityTimeoutSeconds?: number | undefined;
  /** Counts the handlers' metrics, when installed. */
  telemetry?: LocalTelemetry;
  /** Seeds the fault switch's randomness, so that a faulty run can be repeated. */
  faultSeed?: number | undefined;
  /** AWS calls to fail from the start, e.g. `["S3:PutObject"]`. */
  faults: FaultRule[];
  /** Functions isolated in worker threads (default), or all in this process. */
  isolation?: Isolation;
  /**
   * Live reload: a change to a file a function imports serves that function's
   * next invocation with the new code (default off here; `npm start` turns it
   * on unless `ORDERS_WATCH=off`). Needs workers.
   */
  watch?: boolean;
  /** Execution environments per route or schedule function (default 4); OrdersProcessor gets one per poller. */
  functionConcurrency?: number | undefined;
  /** Record the orders' traces (default on); off, no span is recorded anywhere: to measure what recording costs. */
  tracing?: boolean | undefined;
  /** Seconds between runs of every schedule, in place of the manifest's minutes (tests, demos). */
  scheduleSeconds?: number | undefined;
  /** Replaces every route's throttle and the stage's default (`ORDERS_RATE_LIMIT`); default: the manifest's. */
  rateLimit?: Throttle | undefined;
  /** The functions to serve (default: the manifest's); tests pass their own. */
  manifest?: {
    routes?: readonly RouteSpec[];
    subscriptions?: readonly SubscriptionSpec[];
    schedules?: readonly ScheduleSpec[];
  };
  log: (line: string) => void;
}

export interface LocalSystem {
  url: string;
  /** Signs callers' tokens for this system, as `npm run token` does. */
  issuer: LocalIssuer;
  faults: FaultSwitch;
  resources: LocalResources;
  emulators: Emulators;
  /** The AWS calls the handlers made, by `Service:Operation`. */
  calls: CallCounts;
  /** The orders' traces: every span of the last 1,000 traces an order annotated (none with tracing off). */
  traces: TraceStore | undefined;
  /** Resolves once no function is running. */
  idle(): Promise<void>;
  /** Live reload once it watches, or undefined when it is off. */
  liveReload: Promise<LiveReload | undefined>;
  /**
   * Starts one environment of each function, so that no first request waits
   * for one; resolves once all are ready. `npm start` calls it once it says it
   * is running, so readiness never waits for them.
   */
  warm(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the whole system offline: emulators, the resources `infra/` declares,
 * the API routes on a local HTTP server, OrdersProcessor fed from OrdersQueue,
 * and the schedules on timers, all calling the very same handlers as Lambda,
 * each function isolated as Lambda isolates it.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { log } = options;
  const routes = options.manifest?.routes ?? manifestRoutes;
  const subscriptions = options.manifest?.subscriptions ?? manifestSubscriptions;
  const schedules = options.manifest?.schedules ?? manifestSchedules;
  // Claim the API port first, so a taken port fails before anything starts;
  // until the system is ready, the gate answers 503 STARTING rather than
  // leaving a request unanswered.
  const gate = new StartupGate();
  const server = createServer(gate.handle);
  // Longer than any client's idle keep-alive (undici's is 4 s): the server
  // closing an idle connection as a client reuses it fails that request.
  server.keepAliveTimeout = 60_000;
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
    sns: new SNSClient({ endpoint: emulators.sqsS3Endpoint }),
  };
  const resources = await provision(clients, options.stage, {
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
  });

  // One switch for the whole system: its rules reach every function's SDK
  // clients (in every worker), and its stats add up what they injected.
  const faults = new FaultSwitch(options.faultSeed === undefined ? {} : { random: seededRandom(options.faultSeed) });
  faults.set(options.faults);

  const routeFunctions = routes.map((route): LocalFunction => ({ name: routeFunctionName(route), spec: route }));
  const functions: LocalFunction[] = [
    ...routeFunctions,
    ...subscriptions.map((spec) => ({ name: spec.name, spec })),
    ...schedules.map((spec) => ({ name: spec.name, spec })),
  ];
  const subscriberNames = new Set(subscriptions.map((spec) => spec.name));
  const traces = options.tracing === false ? undefined : new TraceStore();
  // X-Ray's reads are answered by this runtime, from its own spans (local-xray.ts).
  const xrayEndpoint = `http://${options.host}:${apiPort}/_local/xray`;
  const invokers = await createInvokers(functions, {
    isolation: options.isolation ?? "workers",
    stage: options.stage,
    // CloudWatch's GetMetricData is answered by this runtime, from its own readings.
    endpoints: {
      ...emulators,
      xrayEndpoint,
      cloudwatchEndpoint: `http://${options.host}:${apiPort}/_local/cloudwatch`,
    },
    resources,
    adminToken: options.adminToken,
    circuitCoolDownSeconds: options.circuitCoolDownSeconds,
    faults,
    faultSeed: options.faultSeed,
    traces,
    // A poller waits for its batch, so OrdersProcessor never needs more environments than pollers.
    concurrency: (fn) => (subscriberNames.has(fn.name) ? options.pollers : (options.functionConcurrency ?? 4)),
  });

  const subscribable = { OrdersQueue: resources.queue, NotificationsQueue: resources.notificationsQueue };
  const sources = subscriptions.map((subscription) => {
    const invoker = invokers.get(subscription.name);
    const queue = subscribable[subscription.queue];
    return new QueueEventSource({
      client: clients.sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      functionName: subscription.name,
      handler: (event) => invoker.invoke(event) as Promise<SQSBatchResponse | undefined>,
      batchSize: subscription.batchSize,
      timeoutSeconds: subscription.timeoutSeconds,
      concurrency: options.pollers,
      onBatch: ({ functionName, received, failed, ms }) =>
        log(`${functionName} batch of ${received}: ${received - failed} ok, ${failed} failed, ${ms}ms`),
      onError: (error) => log(`${subscription.name}: ${(error as Error).message}`),
    });
  });
  const failedRunQueues = { SchedulesDlq: resources.schedulesDlq };
  const scheduler = new Scheduler(
    schedules.map((spec) => ({
      fn: { name: spec.name, spec },
      invoker: invokers.get(spec.name),
      intervalMs: (options.scheduleSeconds ?? spec.everyMinutes * 60) * 1000,
      retries: spec.failures.retries,
      deadLetter: async (record) => {
        const QueueUrl = failedRunQueues[spec.failures.dlq].url;
        await clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(record) }));
      },
    })),
    log,
  );

  const localContext = {
    faults,
    telemetry: options.telemetry,
    sqs: clients.sqs,
    sqsS3Endpoint: emulators.sqsS3Endpoint,
    dynamoEndpoint: emulators.dynamoEndpoint,
    resources,
    traces,
  };
  const limiter = new RouteRateLimiter(routes, { stage: throttling.stage, override: options.rateLimit });
  const issuer = await LocalIssuer.open(
    options.issuerKeyFile ?? issuerKeyFile(options.dataDir ?? join(repoRoot, ".local-data")),
  );
  gate.open(routeServer(routes, invokers, localContext, log, limiter, issuer));
  const stopSampling = options.telemetry
    ? sampleQueueDepths(options.telemetry, clients.sqs, resources)
    : () => undefined;
  for (const source of sources) source.start();
  scheduler.start();
  // What a caller meets first warms first (warm-order.ts).
  const warmNames = warmOrder(routes, subscriptions, functions);
  let warmed: Promise<void> | undefined;
  const liveReload = startLiveReload(options, invokers.reloadTargets);

  return {
    url: `http://${options.host}:${apiPort}`,
    issuer,
    faults,
    resources,
    emulators,
    calls: invokers.calls,
    traces,
    idle: () => invokers.idle(),
    liveReload,
    // One CPU is left to the runtime, which serves requests meanwhile.
    warm: () => {
      warmed ??= invokers.warm(warmNames, Math.max(1, availableParallelism() - 1));
      return warmed;
    },
    async stop() {
      await (await liveReload)?.stop();
      stopSampling();
      await Promise.all([...sources.map((source) => source.stop()), scheduler.stop()]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await invokers.stop();
      await emulators.stop();
    },
  };
}

/** Watches the functions' sources when asked to; esbuild, which computes their imports, is loaded only then. */
async function startLiveReload(options: LocalSystemOptions, targets: ReloadTarget[]): Promise<LiveReload | undefined> {
  if (!options.watch) return undefined;
  if ((options.isolation ?? "workers") === "none") {
    options.log("live reload needs workers: with ORDERS_ISOLATION=none, restart to serve a change");
    return undefined;
  }
  const { LiveReload } = await import("./live-reload.ts");
  const reloader = new LiveReload({ root: repoRoot, targets, log: options.log });
  await reloader.start();
  return reloader;
}
