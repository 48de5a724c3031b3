/**
 * `npm run preview -- --stage <name>`: what `sst deploy --stage <name>` would
 * create, as a table, from the real SST platform run offline under Pulumi
 * mocks (the preview test tier's machinery). `sst diff` needs AWS; this does
 * not, and it knows only inputs: whatever AWS would compute is not here.
 */
import type { RegisteredResource, Synth } from "@orders/harness/preview/graph";
import { ensurePlatform } from "@orders/harness/preview/platform";
import { synthStage } from "@orders/harness/preview/stages";
import { cliArgs } from "./cli/args.ts";

const USAGE = `usage: npm run preview [-- --stage NAME]

Prints what SST would create for the stage (default dev), from the real SST platform under Pulumi mocks, offline.`;
const { values } = cliArgs("preview", USAGE, {
  options: { help: { type: "boolean", short: "h" }, stage: { type: "string", default: "dev" } },
});
const stage = values.stage as string;
if (!/^[a-zA-Z][a-zA-Z0-9-]*$/.test(stage)) throw new Error(`not a stage name: ${stage}`);

const short = (type: string) => type.replace(/^aws:/, "").replace(/:[A-Za-z0-9]+$/, "");
const seconds = (value: unknown) => (typeof value === "number" ? `${value} s` : "?");

/** The settings a reviewer looks at, per resource type. */
function settings(resource: RegisteredResource, synth: Synth): string {
  const i = resource.inputs;
  switch (resource.type) {
    case "aws:lambda/function:Function": {
      const build = synth.builds.find((b) => `${b.functionID}Function` === resource.name);
      return [
        `${i.runtime} ${(i.architectures as string[] | undefined)?.join(",")}`,
        `${i.memorySize} MB`,
        `timeout ${seconds(i.timeout)}`,
        build ? `${build.handler} (${Math.round(build.bytes / 1024)} KB)` : "",
        build ? `links: ${build.links.join(", ") || "none"}` : "",
      ]
        .filter(Boolean)
        .join("; ");
    }
    case "aws:iam/role:Role": {
      const inline = (i.inlinePolicies as { policy?: string }[] | undefined) ?? [];
      const statements = inline.flatMap((p) => (p.policy ? JSON.parse(p.policy).Statement : [])) as {
        Action: string | string[];
        Resource: string | string[];
      }[];
      return statements
        .map(
          (s) =>
            `${[s.Action].flat().join(",")} on ${[s.Resource]
              .flat()
              .map((r) => r.split(":").pop())
              .join(",")}`,
        )
        .join("; ");
    }
    case "aws:sqs/queue:Queue": {
      const redrive = i.redrivePolicy ? JSON.parse(i.redrivePolicy as string) : undefined;
      return [
        `visibility ${seconds(i.visibilityTimeoutSeconds)}`,
        i.messageRetentionSeconds ? `retention ${Number(i.messageRetentionSeconds) / 86_400} d` : "",
        redrive
          ? `redrive after ${redrive.maxReceiveCount} to ${String(redrive.deadLetterTargetArn).split(":").pop()}`
          : "",
      ]
        .filter(Boolean)
        .join("; ");
    }
    case "aws:dynamodb/table:Table":
      return [
        `${i.hashKey}/${i.rangeKey}`,
        `GSIs: ${((i.globalSecondaryIndexes as { name: string }[]) ?? []).map((g) => g.name).join(",") || "none"}`,
        `${i.billingMode}`,
        `PITR ${(i.pointInTimeRecovery as { enabled?: boolean } | undefined)?.enabled ? "on" : "off"}`,
        `deletion protection ${i.deletionProtectionEnabled ? "on" : "off"}`,
      ].join("; ");
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return `batch ${i.batchSize}; ${(i.functionResponseTypes as string[] | undefined)?.join(",") ?? "no partial responses"}`;
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return `${i.namespace} ${i.metricName} ${JSON.stringify(i.dimensions)} ${i.statistic} ${i.comparisonOperator} ${i.threshold}`;
    case "aws:apigatewayv2/route:Route":
      return String(i.routeKey);
    case "aws:cloudwatch/eventRule:EventRule":
      return String(i.scheduleExpression);
    case "aws:scheduler/schedule:Schedule": {
      const target = i.target as {
        retryPolicy?: { maximumRetryAttempts?: number; maximumEventAgeInSeconds?: number };
        deadLetterConfig?: { arn?: string };
      };
      const retry = target.retryPolicy ?? {};
      const dlq = target.deadLetterConfig?.arn?.split(":").pop() ?? "no DLQ";
      return `${i.scheduleExpression}; ${retry.maximumRetryAttempts} retries within ${seconds(retry.maximumEventAgeInSeconds)}; then ${dlq}`;
    }
    case "aws:cloudwatch/logGroup:LogGroup":
      return i.retentionInDays ? `retention ${i.retentionInDays} d` : "kept forever";
    case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
      return ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]
        .map((key) => `${key}=${i[key]}`)
        .join(" ");
    default:
      return "";
  }
}

function physical(resource: RegisteredResource): string {
  const i = resource.inputs;
  return String(i.name ?? i.bucket ?? i.dashboardName ?? "");
}

const platform = ensurePlatform((line) => process.stderr.write(`${line}\n`));
const started = performance.now();
const synth = await synthStage(platform.dir, stage);
const custom = synth.resources.filter((resource) => resource.custom);
const rows = custom
  .map((resource) => ({
    type: short(resource.type),
    name: resource.name,
    physical: physical(resource),
    retain: resource.options.retainOnDelete ? "retain" : "",
    settings: settings(resource, synth),
  }))
  .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));

const headers = {
  type: "Type",
  name: "Logical name",
  physical: "Physical name",
  retain: "On remove",
  settings: "Settings",
};
const columns = Object.keys(headers) as (keyof typeof headers)[];
const width = Object.fromEntries(
  columns.map((column) => [column, Math.max(headers[column].length, ...rows.map((row) => row[column].length))]),
) as Record<keyof typeof headers, number>;
const line = (row: Record<keyof typeof headers, string>) =>
  `| ${columns.map((column) => row[column].padEnd(column === "settings" ? 0 : width[column])).join(" | ")} |`;

process.stdout.write(
  `Plan for stage ${stage} of app ${synth.app.name} (removal: ${synth.app.removal}${synth.app.protect ? ", protected" : ""}), ` +
    `SST ${platform.version}, offline under mocks; ${custom.length} AWS resources (${synth.resources.length} registered) ` +
    `in ${Math.round((performance.now() - started) / 100) / 10} s\n\n`,
);
process.stdout.write(`${line(headers)}\n`);
process.stdout.write(
  `| ${columns.map((column) => "-".repeat(column === "settings" ? 8 : width[column])).join(" | ")} |\n`,
);
for (const row of rows) process.stdout.write(`${line(row)}\n`);
const counts = new Map<string, number>();
for (const row of rows) counts.set(row.type, (counts.get(row.type) ?? 0) + 1);
process.stdout.write(`\nBy type: ${[...counts].map(([type, count]) => `${type} ${count}`).join(", ")}\n`);
process.stdout.write(
  "Not known offline: anything AWS computes (ARNs, URLs and ids here are the mocks'), the random name suffixes, and whether AWS accepts each call.\n",
);
