import { statementsOf, TYPES } from "@orders/harness/preview/graph";
import { ACCOUNT, ALERTS_TOPIC_ARN, PARTITION, REGION } from "@orders/harness/preview/mocks";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import { describe, expect, it } from "vitest";
import { ordersConfig, queues, routes, schedules, subscriptions, topics } from "../../infra/manifest.ts";
import { IDEMPOTENCY_EXPIRY_ATTRIBUTE, tableDesign } from "../../packages/core/src/entities/table-design.ts";
import { declaredFunctions, deployedFunction } from "./app.ts";
import { TerraformModule } from "./terraform.ts";

describe.each(STAGES)("the resource graph of stage %s", (stage) => {
  const graph = loadGraph(stage);
  const queue = graph.one(TYPES.queue, "OrdersQueueQueue");
  const dlq = graph.one(TYPES.queue, "OrdersDlqQueue");

  describe("queues", () => {
    it.each(subscriptions)("$name is fed from its queue in batches, with partial batch responses", (subscription) => {
      // Arrange
      const { fn } = deployedFunction(graph, subscription);
      // Act
      const mappings = graph.ofType(TYPES.eventSourceMapping).filter((m) => m.inputs.functionName === fn.state.arn);
      // Assert
      expect(mappings).toHaveLength(1);
      expect(mappings[0]?.inputs).toMatchObject({
        eventSourceArn: graph.one(TYPES.queue, `${subscription.queue}Queue`).state.arn,
        batchSize: subscription.batchSize,
        functionResponseTypes: ["ReportBatchItemFailures"],
      });
    });

    it("redrives OrdersQueue to OrdersDlq after the configured receives", () => {
      const redrive = JSON.parse(queue.inputs.redrivePolicy as string);
      expect(redrive).toEqual({ deadLetterTargetArn: dlq.state.arn, maxReceiveCount: ordersConfig.maxReceiveCount });
      expect(dlq.inputs.redrivePolicy).toBeUndefined();
    });

    it("holds a received order at least six times the subscriber's timeout", () => {
      for (const subscription of subscriptions) {
        expect(queue.inputs.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * subscription.timeoutSeconds);
      }
      expect(queue.inputs.visibilityTimeoutSeconds).toBe(queues.OrdersQueue.visibilityTimeoutSeconds);
    });

    it("keeps dead letters 14 days", () => {
      expect(dlq.inputs.messageRetentionSeconds).toBe(queues.OrdersDlq.retentionDays * 86_400);
    });

    it("redrives NotificationsQueue to NotificationsDlq after the manifest's receives, and keeps them 14 days", () => {
      // Arrange
      const notifications = graph.one(TYPES.queue, "NotificationsQueueQueue");
      const notificationsDlq = graph.one(TYPES.queue, "NotificationsDlqQueue");
      // Act
      const redrive = JSON.parse(notifications.inputs.redrivePolicy as string);
      // Assert
      expect(redrive).toEqual({
        deadLetterTargetArn: notificationsDlq.state.arn,
        maxReceiveCount: queues.NotificationsQueue.maxReceiveCount,
      });
      expect(queues.NotificationsQueue.maxReceiveCount).toBe(ordersConfig.notifications.maxReceiveCount);
      expect(notificationsDlq.inputs.redrivePolicy).toBeUndefined();
      expect(notificationsDlq.inputs.messageRetentionSeconds).toBe(queues.NotificationsDlq.retentionDays * 86_400);
    });

    it.each(subscriptions)("holds a message on $queue at least six times $name's timeout", (subscription) => {
      const fed = graph.one(TYPES.queue, `${subscription.queue}Queue`);
      expect(fed.inputs.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * subscription.timeoutSeconds);
      expect(fed.inputs.visibilityTimeoutSeconds).toBe(queues[subscription.queue].visibilityTimeoutSeconds);
    });
  });

  describe("the OrderEvents topic", () => {
    const topic = graph.one(TYPES.topic, "OrderEventsTopic");
    const subscribed = topics.OrderEvents.subscribers.map((name) => graph.one(TYPES.queue, `${name}Queue`));

    it("is the only topic, a standard one, encrypted with the AWS-managed SNS key", () => {
      expect(graph.ofType(TYPES.topic)).toHaveLength(1);
      expect(topic.inputs).toMatchObject({ fifoTopic: false, kmsMasterKeyId: "alias/aws/sns" });
      expect(topic.inputs.policy).toBeUndefined();
    });

    // Each subscriber queue's own DLQ, where SNS puts what it could not deliver.
    const deadLetters = topics.OrderEvents.subscribers.map((name) =>
      graph.one(TYPES.queue, `${queues[name].dlq}Queue`),
    );

    it("feeds each manifest subscriber queue raw, redriving what it cannot deliver to that queue's DLQ", () => {
      // Act
      const subscriptions = graph.ofType(TYPES.topicSubscription);
      // Assert
      expect(subscriptions.map((s) => s.inputs)).toEqual(
        subscribed.map((queue, i) => ({
          topic: topic.state.arn,
          protocol: "sqs",
          endpoint: queue.state.arn,
          rawMessageDelivery: topics.OrderEvents.rawMessageDelivery,
          redrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters[i]?.state.arn }),
        })),
      );
      expect(topics.OrderEvents.rawMessageDelivery).toBe(true);
    });

    it("lets only this topic send to a subscribed queue and its DLQ, through SNS, and gives no queue any other policy", () => {
      // Act
      const policies = graph.ofType(TYPES.queuePolicy);
      const targets = subscribed.flatMap((queue, i) => [queue, deadLetters[i] as typeof queue]);
      // Assert
      expect(policies.map((p) => p.inputs.queueUrl).sort()).toEqual(targets.map((queue) => queue.state.url).sort());
      for (const queue of targets) {
        const policy = policies.find((p) => p.inputs.queueUrl === queue.state.url);
        const document = JSON.parse(policy?.inputs.policy as string);
        expect(document.Statement).toEqual([
          {
            Effect: "Allow",
            Action: "sqs:SendMessage",
            Resource: queue.state.arn,
            Principal: { Service: "sns.amazonaws.com" },
            Condition: { ArnEquals: { "aws:SourceArn": topic.state.arn } },
          },
        ]);
        expect(statementsOf(policy?.inputs.policy as string)).toHaveLength(1);
      }
    });
  });

  describe("the table", () => {
    const table = graph.one(TYPES.table, "OrdersTableTable");
    const design = tableDesign();

    it("has the keys and indexes the ElectroDB entities define", () => {
      expect(table.inputs.hashKey).toBe(design.primaryIndex.hashKey);
      expect(table.inputs.rangeKey).toBe(design.primaryIndex.rangeKey);
      const indexes = (
        table.inputs.globalSecondaryIndexes as {
          name: string;
          hashKey: string;
          rangeKey: string;
          projectionType: string;
        }[]
      ).map(({ name, hashKey, rangeKey, projectionType }) => [
        name,
        { hashKey, rangeKey, projection: projectionType === "KEYS_ONLY" ? "keys-only" : projectionType.toLowerCase() },
      ]);
      expect(Object.fromEntries(indexes)).toEqual(design.globalIndexes);
      // The account listings (byPayer, byPayee) are keys only: an order's updates never rewrite their entries.
      expect(design.globalIndexes.gsi2?.projection).toBe("keys-only");
      expect(design.globalIndexes.gsi3?.projection).toBe("keys-only");
      const attributes = (table.inputs.attributes as { name: string; type: string }[]).map((a) => [a.name, a.type]);
      expect(Object.fromEntries(attributes)).toEqual(
        Object.fromEntries(Object.keys(design.fields).map((f) => [f, "S"])),
      );
    });

    it("is on demand, with point-in-time recovery", () => {
      expect(table.inputs.billingMode).toBe("PAY_PER_REQUEST");
      expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: true });
    });

    it("expires Idempotency-Key records through its TTL attribute, the one Powertools writes", () => {
      expect(table.inputs.ttl).toEqual({ attributeName: IDEMPOTENCY_EXPIRY_ATTRIBUTE, enabled: true });
    });
  });

  describe("the bucket", () => {
    const bucket = graph.one(TYPES.bucket, "OrdersBucketBucket");
    const ofBucket = (type: string) => graph.ofType(type).filter((r) => r.inputs.bucket === bucket.state.bucket);

    it("blocks every kind of public access", () => {
      const blocks = ofBucket(TYPES.publicAccessBlock);
      expect(blocks).toHaveLength(1);
      expect(blocks[0]?.inputs).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    });

    it("is encrypted with SSE-S3, with no setting that has no effect there", () => {
      const encryption = ofBucket(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      expect(encryption).toHaveLength(1);
      const rules = encryption[0]?.inputs.rules as {
        applyServerSideEncryptionByDefault: object;
        bucketKeyEnabled?: boolean;
      }[];
      expect(rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    });

    it("refuses plain HTTP", () => {
      const [policy] = ofBucket("aws:s3/bucketPolicy:BucketPolicy");
      expect(policy?.inputs.policy).toContain('"aws:SecureTransport":"false"');
    });
  });

  describe("the API", () => {
    it("has one route per manifest route, and nothing else", () => {
      const keys = graph.ofType(TYPES.route).map((route) => route.inputs.routeKey);
      expect(keys.sort()).toEqual(routes.map((route) => `${route.method} ${route.path}`).sort());
    });

    it("sets an explicit CORS policy allowing exactly the manifest's methods", () => {
      const cors = graph.one(TYPES.api, "OrdersApiApi").inputs.corsConfiguration as { allowMethods: string[] };
      expect([...cors.allowMethods].sort()).toEqual([...new Set(routes.map((route) => route.method))].sort());
    });

    it("writes an access log (which needs the deploy role's log-delivery permissions)", () => {
      const [apiStage] = graph.ofType(TYPES.apiStage);
      const settings = apiStage?.inputs.accessLogSettings as { destinationArn?: string } | undefined;
      expect(settings?.destinationArn).toMatch(/:log-group:\/aws\/vendedlogs\/apis\//);
    });
  });

  describe("schedules", () => {
    const schedulesDlq = graph.one(TYPES.queue, "SchedulesDlqQueue");
    /** The EventBridge Scheduler schedule whose target is a manifest schedule's function. */
    const scheduleOf = (spec: (typeof schedules)[number]) => {
      const { fn } = deployedFunction(graph, spec);
      const found = graph
        .ofType(TYPES.schedule)
        .filter((s) => (s.inputs.target as { arn: string }).arn === fn.state.arn);
      expect(found, spec.name).toHaveLength(1);
      return found[0] as (typeof found)[number];
    };
    const targetOf = (spec: (typeof schedules)[number]) =>
      scheduleOf(spec).inputs.target as {
        arn: string;
        roleArn: string;
        retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number };
        deadLetterConfig?: { arn: string };
      };

    it.each(schedules)("$name runs every $everyMinutes minute(s) on an EventBridge Scheduler schedule", (spec) => {
      expect(scheduleOf(spec).inputs).toMatchObject({
        scheduleExpression: spec.everyMinutes === 1 ? "rate(1 minute)" : `rate(${spec.everyMinutes} minutes)`,
        flexibleTimeWindow: { mode: "OFF" },
        state: "ENABLED",
      });
    });

    it("are schedules only: no EventBridge rule is left from sst.aws.Cron", () => {
      expect(graph.ofType(TYPES.schedule)).toHaveLength(schedules.length);
      expect(graph.ofType(TYPES.eventRule)).toEqual([]);
      expect(graph.ofType(TYPES.eventTarget)).toEqual([]);
    });

    it.each(schedules)(
      "$name retries a run the manifest's times, until it is as old as the manifest allows",
      (spec) => {
        expect(targetOf(spec).retryPolicy).toEqual({
          maximumRetryAttempts: spec.delivery.retries,
          maximumEventAgeInSeconds: spec.delivery.maxEventAgeSeconds,
        });
        // EventBridge Scheduler's bounds, and never older than the next run: a late run would only race it.
        expect(spec.delivery.maxEventAgeSeconds).toBeGreaterThanOrEqual(60);
        expect(spec.delivery.maxEventAgeSeconds).toBeLessThanOrEqual(spec.everyMinutes * 60);
        expect(spec.delivery.retries).toBeGreaterThan(0);
        expect(spec.delivery.retries).toBeLessThanOrEqual(185);
      },
    );

    it.each(schedules)("$name sends a run it could not hand over to SchedulesDlq", (spec) => {
      expect(spec.delivery.dlq).toBe("SchedulesDlq");
      expect(targetOf(spec).deadLetterConfig).toEqual({ arn: schedulesDlq.state.arn });
    });

    it("keeps the schedules' dead letters 14 days, and redrives them nowhere", () => {
      expect(schedulesDlq.inputs.messageRetentionSeconds).toBe(queues.SchedulesDlq.retentionDays * 86_400);
      expect(queues.SchedulesDlq.retentionDays).toBe(14);
      expect(schedulesDlq.inputs.redrivePolicy).toBeUndefined();
    });

    it.each(schedules)(
      "$name's schedule role may invoke its function and send to SchedulesDlq, nothing else",
      (spec) => {
        // Arrange
        const { fn } = deployedFunction(graph, spec);
        const role = graph.ofType(TYPES.role).find((r) => r.state.arn === targetOf(spec).roleArn);
        // Act
        const inline = (role?.inputs.inlinePolicies as { policy: string }[] | undefined) ?? [];
        const statements = inline.flatMap((policy) => statementsOf(policy.policy));
        // Assert
        expect(statements).toEqual([
          { Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [fn.state.arn] },
          { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [schedulesDlq.state.arn] },
        ]);
        expect(role?.inputs.managedPolicyArns ?? []).toEqual([]);
      },
    );

    it.each(schedules)(
      "$name's function is linked as the manifest says, and its role may only send to SchedulesDlq there",
      (spec) => {
        const { build, role } = deployedFunction(graph, spec);
        expect([...build.links].sort()).toEqual([...spec.links].sort());
        const inline = (role.inputs.inlinePolicies as { policy: string }[] | undefined) ?? [];
        const onDlq = inline
          .flatMap((policy) => statementsOf(policy.policy))
          .filter((statement) => JSON.stringify(statement.Resource).includes(schedulesDlq.state.arn as string));
        expect(onDlq).toEqual([{ Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [schedulesDlq.state.arn] }]);
      },
    );

    it.each(schedules)(
      "$name sends a run it failed to SchedulesDlq after the manifest's retries, never older than its hand-off",
      (spec) => {
        // Arrange
        const { fn } = deployedFunction(graph, spec);
        // Act: Lambda's asynchronous invocation settings for the function (SST's eventInvokeConfig).
        const configs = graph.ofType(TYPES.eventInvokeConfig).filter((c) => c.inputs.functionName === fn.state.name);
        // Assert
        expect(spec.failures.dlq).toBe("SchedulesDlq");
        expect(configs.map((config) => config.inputs)).toEqual([
          {
            functionName: fn.state.name,
            maximumRetryAttempts: spec.failures.retries,
            maximumEventAgeInSeconds: spec.delivery.maxEventAgeSeconds,
            destinationConfig: { onFailure: { destination: schedulesDlq.state.arn } },
          },
        ]);
      },
    );

    it("gives only the schedules' functions a destination for failed runs", () => {
      const names = schedules.map((spec) => deployedFunction(graph, spec).fn.state.name);
      expect(graph.ofType(TYPES.eventInvokeConfig).map((config) => config.inputs.functionName)).toEqual(names);
    });
  });

  describe("alarms and the dashboard", () => {
    const alarms = graph.ofType(TYPES.alarm);
    // This stage's own resources: every queue and function its graph registers, and its API.
    const own = new Set(
      [...graph.ofType(TYPES.queue), ...graph.ofType(TYPES.function)]
        .map((r) => r.state.name as string)
        .concat([graph.ofType(TYPES.api)[0]?.state.id as string]),
    );

    it("names every alarm after the app and the stage, and notifies the alerts topic from SSM", () => {
      expect(alarms.length).toBeGreaterThanOrEqual(6);
      for (const alarm of alarms) {
        expect(alarm.inputs.name).toMatch(new RegExp(`^orders-${stage}-`));
        expect(alarm.inputs.alarmActions).toEqual([ALERTS_TOPIC_ARN]);
      }
    });

    it("watches only this stage's metrics: every dimension is this stage's resource or this stage", () => {
      for (const alarm of alarms) {
        const dimensions = alarm.inputs.dimensions as Record<string, string>;
        expect(Object.keys(dimensions).length, `${alarm.inputs.name} has no dimension`).toBeGreaterThan(0);
        const scoped = Object.entries(dimensions).some(([key, value]) =>
          key === "stage" ? value === stage : own.has(value),
        );
        expect(scoped, `${alarm.inputs.name} watches ${JSON.stringify(dimensions)}`).toBe(true);
        // Custom metrics: the exact dimension set packages/functions/src/metrics.ts emits (a metric is its full set).
        if (alarm.inputs.namespace === "orders") expect(dimensions).toEqual({ service: "orders", stage });
      }
    });

    it.each([
      ["dlq-not-empty", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "OrdersDlqQueue", 0],
      ["notifications-dlq-not-empty", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "NotificationsDlqQueue", 0],
      ["schedules-dlq-not-empty", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "SchedulesDlqQueue", 0],
      ["queue-oldest-message-age", "AWS/SQS", "ApproximateAgeOfOldestMessage", "OrdersQueueQueue", 300],
      ["processor-errors", "AWS/Lambda", "Errors", "processor", 0],
      ["processor-throttles", "AWS/Lambda", "Throttles", "processor", 0],
      ["processing-failures", "orders", "ProcessingFailures", "stage", 10],
      ["inconsistencies-found", "orders", "InconsistenciesFound", "stage", 0],
      ["api-5xx", "AWS/ApiGateway", "5xx", "OrdersApiApi", 5],
    ])("alarms %s on %s %s of %s, threshold %d", (suffix, namespace, metricName, watched, threshold) => {
      // Arrange: the resource the alarm must watch, as SST named it on this stage.
      const [processor] = subscriptions;
      const target =
        watched === "stage"
          ? stage
          : watched === "processor"
            ? (deployedFunction(graph, processor as (typeof subscriptions)[number]).fn.inputs.name as string)
            : watched === "OrdersApiApi"
              ? (graph.one(TYPES.api, watched).state.id as string)
              : (graph.one(TYPES.queue, watched).inputs.name as string);
      // Act
      const alarm = alarms.find((a) => a.inputs.name === `orders-${stage}-${suffix}`);
      // Assert
      expect(alarm?.inputs).toMatchObject({ namespace, metricName, threshold, treatMissingData: "notBreaching" });
      expect(Object.values(alarm?.inputs.dimensions as Record<string, string>)).toContain(target);
    });

    it("alarms on Errors and on Throttles of every function no API route fronts: subscribers and schedules", () => {
      const kebab = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();
      const watched = [...subscriptions, ...schedules];
      expect(watched.length).toBeGreaterThanOrEqual(4);
      for (const spec of watched) {
        const functionName = deployedFunction(graph, spec).fn.inputs.name as string;
        const suffix = spec.name === "OrdersProcessor" ? "processor" : kebab(spec.name);
        for (const metricName of ["Errors", "Throttles"]) {
          const alarm = alarms.find((a) => a.inputs.name === `orders-${stage}-${suffix}-${metricName.toLowerCase()}`);
          expect(alarm?.inputs, `${spec.name} ${metricName}`).toMatchObject({
            namespace: "AWS/Lambda",
            metricName,
            threshold: 0,
            dimensions: { FunctionName: functionName },
          });
        }
      }
    });

    it("alarms on Errors and on Throttles of every function of the manifest: routes, subscribers and schedules", () => {
      const functions = declaredFunctions();
      expect(functions.length).toBeGreaterThanOrEqual(routes.length + 4);
      for (const { label, spec } of functions) {
        // Arrange: the function SST built for this entry, by its physical name on this stage.
        const functionName = deployedFunction(graph, spec).fn.inputs.name as string;
        for (const metricName of ["Errors", "Throttles"]) {
          // Act
          const watching = alarms.filter(
            (a) =>
              a.inputs.namespace === "AWS/Lambda" &&
              a.inputs.metricName === metricName &&
              (a.inputs.dimensions as Record<string, string>).FunctionName === functionName,
          );
          // Assert: exactly one, named for this stage, alarming on the first failure, quiet when idle.
          expect(watching, `${label} ${metricName}`).toHaveLength(1);
          expect(watching[0]?.inputs.name, `${label} ${metricName}`).toMatch(new RegExp(`^orders-${stage}-`));
          expect(watching[0]?.inputs, `${label} ${metricName}`).toMatchObject({
            statistic: "Sum",
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [ALERTS_TOPIC_ARN],
          });
        }
      }
    });

    it("gives every alarm its own name", () => {
      const names = alarms.map((a) => a.inputs.name as string);
      expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
    });

    it("has a heartbeat on the audit, a period per scheduled run: a period without a run is breaching", () => {
      const audit = schedules.find((s) => s.name === "ConsistencyAudit");
      const heartbeat = alarms.find((a) => a.inputs.name === `orders-${stage}-audit-heartbeat`);
      expect(heartbeat?.inputs).toMatchObject({
        namespace: "orders",
        metricName: "InconsistenciesFound",
        period: (audit?.everyMinutes ?? 0) * 60,
        treatMissingData: "breaching",
      });
    });

    it("has a heartbeat on the audit: two hours without a run is breaching, so a crashed audit never reads as clean", () => {
      const heartbeat = alarms.find((a) => a.inputs.name === `orders-${stage}-audit-heartbeat`);
      expect(heartbeat?.inputs).toMatchObject({
        namespace: "orders",
        metricName: "InconsistenciesFound",
        statistic: "SampleCount",
        comparisonOperator: "LessThanThreshold",
        threshold: 1,
        evaluationPeriods: 2,
        treatMissingData: "breaching",
        dimensions: { service: "orders", stage },
      });
    });

    it("puts the queues, the processor, the API and the order outcomes on the dashboard", () => {
      const body = graph.ofType(TYPES.dashboard)[0]?.inputs.dashboardBody as string;
      const [processor] = subscriptions;
      for (const watched of [
        queue.inputs.name,
        dlq.inputs.name,
        deployedFunction(graph, processor as (typeof subscriptions)[number]).fn.inputs.name,
        graph.one(TYPES.api, "OrdersApiApi").state.id,
        "OrdersConfirmed",
        "OrdersFailed",
        "OrdersCancelled",
      ]) {
        expect(body).toContain(watched as string);
      }
      // The processor never ends an order PENDING, so OrdersAccepted is never emitted: a chart of it stays empty.
      expect(body).not.toContain('"OrdersAccepted"');
    });

    it("charts every notification outcome the Notifier emits, the webhook circuit's deferrals among them", () => {
      const charted = chartedLines()
        .filter((line) => line.namespace === "orders")
        .map((line) => line.metricName);
      // The names of NOTIFICATION_METRICS in packages/functions/src/metrics.ts, written out.
      for (const name of [
        "NotificationsDelivered",
        "NotificationsDeduplicated",
        "NotificationsWithoutWebhook",
        "NotificationsDeferred",
        "NotificationAttemptsFailed",
      ]) {
        expect(charted).toContain(name);
      }
    });

    /** The dashboard's metric lines as namespace, metric and dimensions. */
    const chartedLines = () => {
      const body = JSON.parse(graph.ofType(TYPES.dashboard)[0]?.inputs.dashboardBody as string) as {
        widgets: { properties: { metrics: unknown[][] } }[];
      };
      return body.widgets.flatMap((w) =>
        w.properties.metrics.map((line) => {
          const pairs = line.slice(2).filter((item) => typeof item === "string") as string[];
          const dimensions = Object.fromEntries(
            pairs.flatMap((_, i) => (i % 2 === 0 ? [[pairs[i], pairs[i + 1]]] : [])),
          );
          return { namespace: line[0], metricName: line[1], dimensions };
        }),
      );
    };

    it("charts every function's invocations, errors, throttles and duration on the dashboard", () => {
      const lines = chartedLines();
      for (const { label, spec } of declaredFunctions()) {
        const functionName = deployedFunction(graph, spec).fn.inputs.name as string;
        for (const metricName of ["Invocations", "Errors", "Throttles", "Duration"]) {
          const charted = lines.some(
            (line) =>
              line.namespace === "AWS/Lambda" &&
              line.metricName === metricName &&
              line.dimensions.FunctionName === functionName,
          );
          expect(charted, `${label} ${metricName}`).toBe(true);
        }
      }
    });

    it("charts every queue's depth and the age of its oldest message on the dashboard", () => {
      const lines = chartedLines();
      const queues = graph.ofType(TYPES.queue);
      expect(queues.length).toBeGreaterThanOrEqual(4);
      for (const q of queues) {
        for (const metricName of ["ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage"]) {
          const charted = lines.some(
            (line) =>
              line.namespace === "AWS/SQS" &&
              line.metricName === metricName &&
              line.dimensions.QueueName === q.inputs.name,
          );
          expect(charted, `${q.name} ${metricName}`).toBe(true);
        }
      }
    });

    it("charts only this stage's metrics on the dashboard", () => {
      const [dashboard] = graph.ofType(TYPES.dashboard);
      const body = JSON.parse(dashboard?.inputs.dashboardBody as string) as {
        widgets: { properties: { metrics: unknown[][] } }[];
      };
      for (const line of body.widgets.flatMap((w) => w.properties.metrics)) {
        const pairs = line.slice(2).filter((item) => typeof item === "string") as string[];
        const dimensions = Object.fromEntries(pairs.flatMap((_, i) => (i % 2 === 0 ? [[pairs[i], pairs[i + 1]]] : [])));
        const scoped = Object.entries(dimensions).some(([key, value]) =>
          key === "stage" ? value === stage : own.has(value as string),
        );
        expect(scoped, `dashboard line ${JSON.stringify(line)}`).toBe(true);
      }
    });
  });
});

describe("stage production keeps its data", () => {
  const production = loadGraph("production");
  const dev = loadGraph("dev");

  it("protects the stage from sst remove", () => {
    expect(production.synth.outputs._protect).toBe(true);
    expect(dev.synth.outputs._protect).toBe(false);
  });

  it("turns on the table's deletion protection on production only", () => {
    expect(production.one(TYPES.table, "OrdersTableTable").inputs.deletionProtectionEnabled).toBe(true);
    expect(dev.one(TYPES.table, "OrdersTableTable").inputs.deletionProtectionEnabled).toBe(false);
  });

  it("retains the table and the bucket when production is removed, and only there", () => {
    for (const [type, name] of [
      [TYPES.table, "OrdersTableTable"],
      [TYPES.bucket, "OrdersBucketBucket"],
    ] as const) {
      expect(production.one(type, name).options.retainOnDelete, `${name} on production`).toBe(true);
      expect(dev.one(type, name).options.retainOnDelete, `${name} on dev`).toBeFalsy();
    }
  });

  it("keeps point-in-time recovery on production", () => {
    expect(production.one(TYPES.table, "OrdersTableTable").inputs.pointInTimeRecovery).toEqual({ enabled: true });
  });
});

describe("the seam with Terraform", () => {
  it("reads the alerts topic from the SSM parameter stacks/foundation writes", () => {
    // Arrange
    const foundation = new TerraformModule(new URL("../../stacks/foundation", import.meta.url).pathname, {
      account: ACCOUNT,
      region: REGION,
      partition: PARTITION,
    });
    const written = foundation.resources("aws_ssm_parameter").map((block) => foundation.attribute(block, "name"));
    for (const stage of STAGES) {
      // Act
      const read = loadGraph(stage)
        .synth.calls.filter((call) => call.token === "aws:ssm/getParameter:getParameter")
        .map((call) => call.inputs.name);
      // Assert
      expect(read.length, stage).toBeGreaterThan(0);
      for (const name of read) expect(written).toContain(name);
    }
  });
});
