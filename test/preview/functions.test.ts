import { TYPES } from "@orders/harness/preview/graph";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import { describe, expect, it } from "vitest";
import { ordersConfig, runtime, schedules } from "../../infra/manifest.ts";
import { declaredFunctions, deployedFunction, linkedArns } from "./app.ts";

/** Actions that take no resource but "*": X-Ray's trace writes and reads, CloudWatch's metric reads. */
const RESOURCELESS = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetTraceSummaries",
  "xray:BatchGetTraces",
  "cloudwatch:GetMetricData",
]);

describe.each(STAGES)("functions on stage %s, as SST builds them", (stage) => {
  const graph = loadGraph(stage);
  const declared = declaredFunctions();
  /** The queue a schedule's function sends its failed runs to; none for any other function. */
  const failedRunsQueue = (spec: { handler: string }) => {
    const schedule = schedules.find((s) => s.handler === spec.handler);
    return schedule && (graph.one(TYPES.queue, `${schedule.failures.dlq}Queue`).state.arn as string);
  };

  it("deploys exactly the functions the manifest declares", () => {
    // Arrange
    const handlers = declared.map((entry) => entry.spec.handler).sort();
    // Act
    const built = graph.synth.builds.map((build) => build.handler).sort();
    // Assert
    expect(built).toEqual(handlers);
    expect(graph.ofType(TYPES.function)).toHaveLength(handlers.length);
  });

  it.each(declared)("$label runs Node 24 on arm64 with the manifest's timeout and memory", ({ spec }) => {
    const { fn } = deployedFunction(graph, spec);
    expect(fn.inputs.runtime).toBe("nodejs24.x");
    expect(fn.inputs.architectures).toEqual(["arm64"]);
    expect(fn.inputs.timeout).toBe(spec.timeoutSeconds);
    expect(fn.inputs.memorySize).toBe(spec.memoryMb);
  });

  it.each(declared)("$label is linked to exactly its manifest links", ({ spec }) => {
    const { build } = deployedFunction(graph, spec);
    expect(build.links).toEqual([...spec.links].sort());
  });

  it.each(declared)("$label's handler string names a file with that export", ({ spec }) => {
    const { build, fn } = deployedFunction(graph, spec);
    expect(build.exports).toContain(spec.handler.slice(spec.handler.lastIndexOf(".") + 1));
    expect(fn.inputs.handler).toBeTruthy();
  });

  it("gives every function linked to OrdersConfig the manifest's settings", () => {
    const linked = graph.synth.builds.filter((build) => build.links.includes("OrdersConfig"));
    expect(linked.length).toBeGreaterThan(0);
    for (const build of linked) {
      // SST adds the component's `type` to what it links.
      expect(build.linkProperties.OrdersConfig).toEqual({ ...ordersConfig, type: expect.stringMatching(/Linkable$/) });
    }
  });

  it.each(declared)("$label may act only on the resources it is linked to (least privilege)", ({ spec }) => {
    // Arrange
    const { role } = deployedFunction(graph, spec);
    const allowed = spec.links.flatMap((link) => linkedArns(graph, link));
    // A schedule's role may also send its failed runs to their destination (topology.test.ts checks that alone).
    const destination = failedRunsQueue(spec);
    // Actions IAM defines no resource type for, on "*" alone, are checked action by action elsewhere (tracing.test.ts).
    const statements = graph
      .policyOf(role.name.replace(/Role$/, ""))
      .filter((statement) => !(statement.Resource.join() === "*" && statement.Action.every((a) => RESOURCELESS.has(a))))
      .filter(
        (statement) => !(statement.Resource.join() === destination && statement.Action.join() === "sqs:SendMessage"),
      );
    // Act
    const granted = statements.flatMap((statement) => statement.Resource);
    const outside = granted.filter((arn) => !allowed.some((own) => arn === own || arn.startsWith(`${own}/`)));
    // Assert: nothing beyond its links, no wildcard, and every AWS resource it is linked to is usable.
    expect(outside).toEqual([]);
    for (const own of allowed)
      expect(
        granted.some((arn) => arn === own || arn.startsWith(`${own}/`)),
        own,
      ).toBe(true);
    expect(role.inputs.managedPolicyArns).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]);
  });

  it.each(declared)("$label may publish to OrderEvents only if linked to it, and do nothing else there", ({ spec }) => {
    // Arrange
    const { role } = deployedFunction(graph, spec);
    const [topic] = linkedArns(graph, "OrderEvents");
    const statements = graph.policyOf(role.name.replace(/Role$/, ""));
    // Act
    const onTopic = statements.filter((statement) => statement.Resource.includes(topic as string));
    const snsActions = statements.flatMap((statement) => statement.Action).filter((action) => /^sns:/i.test(action));
    // Assert: publishing is all SST's link grants (sns:* narrowed in infra/queues.ts), on the one topic.
    expect(topic).toMatch(/^arn:aws:sns:/);
    if (spec.links.includes("OrderEvents")) {
      expect(onTopic.map((statement) => [statement.Action, statement.Resource])).toEqual([[["sns:Publish"], [topic]]]);
      expect(snsActions).toEqual(["sns:Publish"]);
    } else {
      expect(onTopic).toEqual([]);
      expect(snsActions).toEqual([]);
    }
  });

  it("links OrderEvents to exactly the functions that end an order (the cancel route only enqueues), not the Notifier", () => {
    const publishers = declared.filter(({ spec }) => spec.links.includes("OrderEvents")).map(({ label }) => label);
    expect(publishers.sort()).toEqual(["OrdersProcessor", "POST /admin/dlq/{id}/discard", "SagaSweeper"].sort());
  });

  it.each(declared)("$label bundles the AWS SDK it was tested with (no SDK left to the Lambda runtime)", ({ spec }) => {
    const { build } = deployedFunction(graph, spec);
    const leftToRuntime = build.externalImports.filter((name) => /^@(aws-sdk|smithy)\//.test(name));
    expect(leftToRuntime).toEqual([]);
    expect(runtime.nodejs.esbuild.external.filter((name) => /^@(aws-sdk|smithy)\//.test(name))).toEqual([]);
    if (spec.links.some((link) => link === "OrdersTable"))
      expect(build.bundledPackages).toContain("@aws-sdk/client-dynamodb");
  });
});
