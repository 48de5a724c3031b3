import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { OVERVIEW_COUNTS } from "@orders/core/domain/metrics-overview";
import { handler } from "@orders/functions/admin/metrics-overview";
import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import { describe, expect, it } from "vitest";
import { adminHeaders, bodyOf } from "../../helpers/admin-routes.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { cloudwatch, sqs } = mockedClients({ cloudwatch: CloudWatchClient, sqs: SQSClient });
/** Each DLQ's depth now, as GetQueueAttributes answers. */
function depthsNow(orders: number, notifications: number) {
  sqs
    .on(GetQueueAttributesCommand, { QueueUrl: linked.OrdersDlq.url })
    .resolves({ Attributes: { ApproximateNumberOfMessages: String(orders) } })
    .on(GetQueueAttributesCommand, { QueueUrl: linked.NotificationsDlq.url })
    .resolves({ Attributes: { ApproximateNumberOfMessages: String(notifications) } });
}

const get = (query: Record<string, string> = {}, headers: Record<string, string> = adminHeaders) =>
  handler(
    { ...apiEvent({ method: "GET", path: "/admin/metrics", headers }), queryStringParameters: query },
    lambdaContext("metrics-overview"),
  );

const minuteAgo = (n: number) => new Date(Math.floor(Date.now() / 60_000) * 60_000 - n * 60_000);
/** The queries of the call whose first query id starts with `prefix`: q for the counts, d for the depths. */
const queriesOf = (prefix: "q" | "d") =>
  cloudwatch
    .commandCalls(GetMetricDataCommand)
    .map((call) => call.args[0].input.MetricDataQueries ?? [])
    .find((queries) => queries[0]?.Id?.startsWith(prefix)) ?? [];

describe("GET /admin/metrics handler", () => {
  it("reads each count's per-minute Sum under the functions' namespace and dimensions, and each DLQ's Maximum depth", async () => {
    // Arrange: 3 confirmed two minutes ago and 2 in the current minute, one failed; the DLQ at 4 a minute ago, 2 now.
    depthsNow(2, 0);
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((query) => {
        const name = query.MetricStat?.Metric?.MetricName;
        const queue = query.MetricStat?.Metric?.Dimensions?.[0]?.Value;
        if (name === "OrdersConfirmed")
          return { Id: query.Id, Timestamps: [minuteAgo(2), minuteAgo(0)], Values: [3, 2] };
        if (name === "OrdersFailed") return { Id: query.Id, Timestamps: [minuteAgo(0)], Values: [1] };
        if (queue === "orders-test-dlq") return { Id: query.Id, Timestamps: [minuteAgo(1)], Values: [4] };
        return { Id: query.Id, Timestamps: [], Values: [] };
      }),
    }));

    // Act
    const response = await get({ minutes: "5" });

    // Assert
    expect(response.statusCode).toBe(200);
    const body = bodyOf(response);
    expect(body.minutes).toHaveLength(5);
    expect(body.counts.OrdersConfirmed).toEqual([0, 0, 3, 0, 2]);
    expect(body.throughput).toEqual([0, 0, 3, 0, 3]);
    // The current minute's depth is read from each queue: CloudWatch has it only minutes later.
    expect(body.depths.OrdersDlq).toEqual([null, null, null, 4, 2]);
    expect(body.depths.NotificationsDlq).toEqual([null, null, null, null, 0]);
    const counts = queriesOf("q").filter((query) => query.MetricStat?.Metric?.Namespace === "orders");
    expect(counts.map((query) => query.MetricStat?.Metric?.MetricName)).toEqual([...OVERVIEW_COUNTS]);
    for (const query of counts) {
      expect(query.MetricStat).toMatchObject({ Period: 60, Stat: "Sum" });
      expect(query.MetricStat?.Metric?.Dimensions).toEqual([
        { Name: "service", Value: "orders" },
        { Name: "stage", Value: "test" },
      ]);
    }
    const depths = queriesOf("d");
    expect(depths.map((query) => query.MetricStat?.Metric?.Dimensions?.[0]?.Value)).toEqual([
      "orders-test-dlq",
      "orders-test-notifications-dlq",
    ]);
    expect(depths[0]?.MetricStat).toMatchObject({
      Stat: "Maximum",
      Metric: { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible" },
    });
  });

  it("follows NextToken to the last page", async () => {
    depthsNow(0, 0);
    // Arrange: the counts' answer in two pages.
    cloudwatch.on(GetMetricDataCommand).callsFake((input: GetMetricDataCommandInput) => {
      if (input.MetricDataQueries?.[0]?.Id !== "q0") return { MetricDataResults: [] };
      return input.NextToken === "next"
        ? { MetricDataResults: [{ Id: "q0", Timestamps: [minuteAgo(0)], Values: [2] }] }
        : { MetricDataResults: [{ Id: "q0", Timestamps: [minuteAgo(1)], Values: [1] }], NextToken: "next" };
    });
    // Act
    const body = bodyOf(await get({ minutes: "5" }));
    // Assert
    expect(body.counts.OrdersConfirmed).toEqual([0, 0, 0, 1, 2]);
    expect(cloudwatch).toHaveReceivedCommandWith(GetMetricDataCommand, { NextToken: "next" });
    expect(cloudwatch).toHaveReceivedCommandTimes(GetMetricDataCommand, 3);
  });

  it("is 400 for a window it does not serve, and 401 without the token, reading nothing", async () => {
    expect((await get({ minutes: "181" })).statusCode).toBe(400);
    expect((await get({ minute: "5" })).statusCode).toBe(400);
    expect((await get({}, {})).statusCode).toBe(401);
    expect(cloudwatch).not.toHaveReceivedCommand(GetMetricDataCommand);
    expect(sqs).not.toHaveReceivedCommand(GetQueueAttributesCommand);
  });

  it("is 503 when CloudWatch cannot be read, saying nothing of why", async () => {
    depthsNow(0, 0);
    cloudwatch.on(GetMetricDataCommand).rejects(new Error("AccessDenied arn:aws:iam::secret"));
    const response = await get();
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response)).toMatchObject({ error: "METRICS_UNAVAILABLE" });
    expect(response.body).not.toContain("secret");
  });
});
