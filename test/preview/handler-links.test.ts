/**
 * Each handler of the manifest, loaded and invoked with only its own links'
 * resources present, as Lambda runs it deployed (issue #18): a handler that
 * reads `Resource.<Name>` it is not linked to crashes on AWS, and the tests
 * that compare the graph with the manifest cannot see it, since both come from
 * the same list of links.
 *
 * Each function runs in a process of its own (cold-start.ts) whose whole
 * environment is what the function gets deployed: the graph's variables for
 * it, what SST links carry for each link the manifest gives it (a copy of the
 * manifest that a test may alter), and the Lambda variables. Every AWS endpoint
 * points at a port nothing listens on, so the first calls fail as a dependency
 * (a 503, a failed SQS record, DependencyError), which is fine; a missing link
 * is not.
 */
import { randomUUID } from "node:crypto";
import { anOrderMessage, anOrderRecord, apiEvent, sqsEvent, sqsRecord, TEST_OPERATOR } from "@orders/harness/factories";
import { type ColdStart, coldStart } from "@orders/harness/preview/cold-start";
import { type Graph, TYPES } from "@orders/harness/preview/graph";
import { loadGraph } from "@orders/harness/preview/stages";
import { scheduledEvent } from "@orders/local/scheduler";
import { describe, expect, it } from "vitest";
import { routes, schedules, subscriptions } from "../../infra/manifest.ts";
import { orderEventsOf } from "../../packages/core/src/domain/order-events.ts";
import { type DeclaredFunction, declaredFunctions, deployedFunction, type Manifest } from "./app.ts";

// The links and the code do not depend on the stage (functions.test.ts compares
// each stage's links with the manifest); the names do, and production's are checked.
const graph = loadGraph("production");
/** Nothing listens on port 1: an SDK call fails to connect at once. */
const UNREACHABLE = "http://127.0.0.1:1";
const COLD_START_MS = 120_000;

/** What SST links carry for each link name (`Resource.<Name>`), from the functions SST built. */
function linkValues(stageGraph: Graph): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const build of stageGraph.synth.builds) {
    for (const [name, value] of Object.entries(build.linkProperties)) values.set(name, value);
  }
  return values;
}
const LINKED = linkValues(graph);

/**
 * The environment Lambda gives `declared`'s function on this stage, with the
 * links its manifest entry names and no others. Deployed, SST puts the links in
 * resource.enc beside the bundle (SST_KEY_FILE) and sets SST_RESOURCE_App; its
 * Resource reads SST_RESOURCE_<Name> variables the same way (sst's
 * resource/node.js), as the local runtime gives them (packages/local/src/environment.ts).
 */
function deployedEnvironment(declared: DeclaredFunction): Record<string, string> {
  const { fn } = deployedFunction(graph, declared.spec);
  const given = (fn.inputs.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {};
  const { SST_KEY: _key, SST_KEY_FILE: _file, ...variables } = given;
  const links = Object.fromEntries(
    declared.spec.links.map((link) => {
      if (!LINKED.has(link))
        throw new Error(`no function SST built is linked to ${link}: nothing to give ${declared.label}`);
      return [`SST_RESOURCE_${link}`, JSON.stringify(LINKED.get(link))];
    }),
  );
  const name = fn.inputs.name as string;
  return {
    ...variables,
    ...links,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(declared.spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs24.x",
    AWS_REGION: graph.synth.region,
    AWS_DEFAULT_REGION: graph.synth.region,
    AWS_ACCESS_KEY_ID: "preview",
    AWS_SECRET_ACCESS_KEY: "preview",
    AWS_ENDPOINT_URL: UNREACHABLE,
    AWS_MAX_ATTEMPTS: "1",
  };
}

/**
 * Harmless first events, as each trigger sends them. A route that takes
 * callers is asked once with no credentials (its handler then reads the static
 * operator token, `Resource.AdminToken`) and once as an operator whose token
 * API Gateway verified; a body of `{}` with an Idempotency-Key reaches the
 * stores the key needs before validation refuses it.
 */
function firstEvents(declared: DeclaredFunction): unknown[] {
  switch (declared.kind) {
    case "route": {
      const { method, access } = declared.spec;
      const pathParameters: Record<string, string> = {};
      const path = declared.spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        pathParameters[name] = `${name}-cold-start`;
        return pathParameters[name];
      });
      const request = {
        method,
        path,
        ...(Object.keys(pathParameters).length > 0 ? { pathParameters } : {}),
        ...(method === "GET"
          ? {}
          : { body: "{}", headers: { "content-type": "application/json", "idempotency-key": randomUUID() } }),
      };
      if (access === "public") return [apiEvent({ ...request, caller: null })];
      return [apiEvent({ ...request, caller: null }), apiEvent({ ...request, caller: TEST_OPERATOR })];
    }
    case "subscription": {
      const body = declared.spec.queue === "NotificationsQueue" ? orderEventsOf(anOrderRecord())[0] : anOrderMessage();
      return [sqsEvent([sqsRecord(JSON.stringify(body))])];
    }
    case "schedule": {
      // What the schedule's target sends: its fixed input (EventBridge Scheduler's), else the local timer's event.
      const { fn } = deployedFunction(graph, declared.spec);
      const schedule = graph
        .ofType(TYPES.schedule)
        .find((s) => (s.inputs.target as { arn?: string } | undefined)?.arn === fn.state.arn);
      const input = (schedule?.inputs.target as { input?: string } | undefined)?.input;
      return [input === undefined ? scheduledEvent(declared.spec.name) : JSON.parse(input)];
    }
  }
}

/** Starts `declared`'s function cold with its links only, and invokes it with its first events. */
function startCold(declared: DeclaredFunction): Promise<ColdStart> {
  const { fn } = deployedFunction(graph, declared.spec);
  return coldStart(
    {
      handler: declared.spec.handler,
      functionName: fn.inputs.name as string,
      timeoutSeconds: declared.spec.timeoutSeconds,
      memoryMb: declared.spec.memoryMb,
      events: firstEvents(declared),
    },
    deployedEnvironment(declared),
    COLD_START_MS,
  );
}

const isHttpAnswer = (value: unknown): value is { statusCode: number; body?: string } =>
  typeof (value as { statusCode?: unknown })?.statusCode === "number";

/**
 * Why a cold start would fail on AWS for a reason other than the unreachable
 * dependencies: an init failure, an error other than DependencyError, an
 * unmapped error (an HTTP 500), or SST's "is not linked" anywhere, logs included
 * (an SQS handler reports a failed record and logs why).
 */
function problemsOf(result: ColdStart): string[] {
  const problems: string[] = [];
  const { report } = result;
  if (!report) problems.push(`exited ${result.exitCode} without reporting:\n${result.output.slice(-2_000)}`);
  else if (report.phase === "init") problems.push(`init failed: ${report.error.message}`);
  else {
    report.invocations.forEach((invocation, index) => {
      const which = `invocation ${index + 1}`;
      if (!invocation.ok && invocation.error.name !== "DependencyError") {
        problems.push(`${which} threw ${invocation.error.name}: ${invocation.error.message}`);
      }
      // A dependency the test made unreachable answers 503; an unmapped error, such as SST's, 500.
      const answer = invocation.ok && isHttpAnswer(invocation.value) ? invocation.value : undefined;
      if (answer && answer.statusCode >= 500 && answer.statusCode !== 503) {
        problems.push(`${which} answered ${answer.statusCode} ${answer.body ?? ""}`);
      }
    });
  }
  const notLinked = new Set(result.output.match(/\\?"\w+\\?" is not linked in your sst\.config\.ts( to [\w-]+)?/g));
  for (const line of notLinked) problems.push(`logged: ${line.replaceAll("\\", "")}`);
  return problems;
}

describe.concurrent("each handler, cold, with only its own links (stage production)", () => {
  it.each(declaredFunctions())(
    "$label loads and answers its first events with nothing missing",
    async (declared) => {
      // Act
      const result = await startCold(declared);
      // Assert
      expect(problemsOf(result)).toEqual([]);
      expect(result.report?.phase).toBe("invoked");
    },
    COLD_START_MS,
  );
});

describe("the cold-start check", () => {
  it(
    "catches the mutation: OrdersBucket dropped from ConsistencyAudit's links (issue #18)",
    async () => {
      // Arrange: the manifest as it was with the mutation, in memory only.
      const mutated: Manifest = {
        routes,
        subscriptions,
        schedules: schedules.map((schedule) =>
          schedule.name === "ConsistencyAudit"
            ? { ...schedule, links: schedule.links.filter((link) => link !== "OrdersBucket") }
            : schedule,
        ),
      };
      const audit = declaredFunctions(mutated).find((declared) => declared.label === "ConsistencyAudit");
      if (!audit) throw new Error("the manifest has no ConsistencyAudit");
      // Act
      const result = await startCold(audit);
      // Assert: it fails as it would on AWS, when its module loads.
      expect(result.report?.phase).toBe("init");
      expect(problemsOf(result)).toContainEqual(expect.stringContaining('"OrdersBucket" is not linked'));
    },
    COLD_START_MS,
  );
});
