import { type Graph, type RegisteredResource, TYPES } from "@orders/harness/preview/graph";
import { ACCOUNT, PARTITION, REGION } from "@orders/harness/preview/mocks";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allows, type RequestContext } from "./iam.ts";
import { NAME_RULES, physicalPrefix, RANDOM_SUFFIX } from "./naming.ts";
import { type PolicyDocument, TerraformModule } from "./terraform.ts";

const foundation = new TerraformModule(
  new URL("../../stacks/foundation", import.meta.url).pathname,
  { account: ACCOUNT, region: REGION, partition: PARTITION },
  { github_repository: "acme/orders" },
);
const policy = foundation.policyDocument("deploy");

interface Need {
  type: string;
  /** The ARN IAM evaluates the calls on, from what SST registered. */
  arn(resource: RegisteredResource): string;
  /** The create call and what it needs besides (tags on create, settings put right after). */
  create?: Actions;
  /** What the provider reads back right after creating it, and on every refresh: a create fails without it. */
  read?: Actions;
  /** Update and delete calls. */
  change?: Actions;
}

/** IAM actions, or the ones a resource needs given its inputs. */
type Actions = string[] | ((resource: RegisteredResource) => string[]);

/** The services a role's trust policy lets assume it (SST gives it as JSON text or as the document itself). */
function trustedServices(role: RegisteredResource): string[] {
  const policy = role.inputs.assumeRolePolicy;
  const document = (typeof policy === "string" ? JSON.parse(policy) : policy) as {
    Statement: { Principal?: { Service?: string | string[] } }[];
  };
  return document.Statement.flatMap((statement) => statement.Principal?.Service ?? []);
}

/**
 * The service a call passes a role to: a schedule's role goes to EventBridge
 * Scheduler (CreateSchedule, UpdateSchedule), any other to Lambda
 * (CreateFunction). A role is passed to the one service its trust policy names.
 */
function passedToService(resource: RegisteredResource): string {
  if (resource.type === TYPES.schedule) return "scheduler.amazonaws.com";
  if (resource.type === TYPES.role) {
    const [service, ...others] = trustedServices(resource);
    if (!service || others.length > 0) throw new Error(`${resource.name} is trusted by ${[service, ...others]}`);
    return service;
  }
  return "lambda.amazonaws.com";
}

/**
 * The condition keys of a call for a resource: the permissions boundary SST
 * set on it (a role), and the service a role is passed to.
 */
const requestContext = (resource: RegisteredResource): RequestContext => ({
  "iam:PermissionsBoundary": resource.inputs.permissionsBoundary as string | undefined,
  "iam:PassedToService": passedToService(resource),
});

const arn = (service: string, rest: string, region = REGION) =>
  `arn:${PARTITION}:${service}:${region}:${ACCOUNT}:${rest}`;
const api = (path: string) => `arn:${PARTITION}:apigateway:${REGION}::/apis${path}`;
/**
 * The needs of an HTTP API's child resource (a route, an authorizer, an integration): created by a POST on the API's
 * collection of them, then read, changed and deleted by verb on its own path.
 */
const apiChild = (type: string, collection: string): Need[] => [
  { type, arn: (r) => api(`/${r.inputs.apiId}/${collection}`), create: ["apigateway:POST"] },
  {
    type,
    arn: (r) => api(`/${r.inputs.apiId}/${collection}/${r.state.id}`),
    read: ["apigateway:GET"],
    change: ["apigateway:PATCH", "apigateway:DELETE"],
  },
];
const bucketArn = (r: RegisteredResource) => `arn:${PARTITION}:s3:::${r.inputs.bucket}`;
/** Event source mappings are named by a UUID AWS assigns; the policy can only match them all. */
const EVENT_SOURCE_MAPPING = arn("lambda", "event-source-mapping:00000000-0000-4000-8000-000000000000");

/**
 * What `sst deploy` calls for each kind of resource this app registers, on
 * which ARN. Pulumi's aws package (7.x, which SST 4.17.1 pins) wraps the
 * Terraform AWS provider (6.x): each resource's Create calls the service and
 * then its Read, and Read runs again on every refresh. So a missing read-back
 * action fails the first deploy after the create call succeeded, half-way
 * through a stage. The calls below are the provider's (internal/service/<service>/<resource>.go):
 * its create, the waiters it polls, its read, and the tags its tagging
 * interceptor lists after every read (ListTags... for every resource type with
 * tags, whether or not tags are set). Where this is not certain it says so,
 * and requires the call.
 */
const NEEDS: Need[] = [
  {
    type: TYPES.function,
    arn: (r) => r.state.arn as string,
    // Reserved concurrency is a separate call after the create.
    create: (r) => [
      "lambda:CreateFunction",
      "lambda:TagResource",
      ...(r.inputs.reservedConcurrentExecutions === undefined ? [] : ["lambda:PutFunctionConcurrency"]),
    ],
    // GetFunction (also the waiter on State), the latest version for qualified_arn, the code signing config
    // (commercial partition). Tags come with GetFunction.
    read: ["lambda:GetFunction", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig"],
    change: [
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:DeleteFunctionConcurrency",
      "lambda:DeleteFunction",
    ],
  },
  {
    // sst.aws.Function's `retries`, which the schedules set for their failed runs' destination
    // (internal/service/lambda/function_event_invoke_config.go): Put creates and updates, Get reads it back,
    // Delete. Authorised on the function.
    type: TYPES.eventInvokeConfig,
    arn: (r) => arn("lambda", `function:${r.inputs.functionName}`),
    create: ["lambda:PutFunctionEventInvokeConfig"],
    read: ["lambda:GetFunctionEventInvokeConfig"],
    change: ["lambda:PutFunctionEventInvokeConfig", "lambda:DeleteFunctionEventInvokeConfig"],
  },
  {
    // Authorised on the function the statement is added to.
    type: "aws:lambda/permission:Permission",
    arn: (r) => String(r.inputs.function),
    create: ["lambda:AddPermission"],
    // The statement is found again in the function's resource policy.
    read: ["lambda:GetPolicy"],
    change: ["lambda:RemovePermission"],
  },
  {
    type: TYPES.role,
    arn: (r) => r.state.arn as string,
    create: ["iam:CreateRole", "iam:TagRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PassRole"],
    // Tags come with GetRole; inline_policy and managed_policy_arns are listed back.
    read: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
    change: [
      "iam:UpdateAssumeRolePolicy",
      "iam:DeleteRolePolicy",
      "iam:DetachRolePolicy",
      "iam:ListInstanceProfilesForRole",
      "iam:DeleteRole",
    ],
  },
  {
    type: TYPES.logGroup,
    arn: (r) => arn("logs", `log-group:${r.state.name}`),
    create: ["logs:CreateLogGroup", "logs:TagResource", "logs:PutRetentionPolicy"],
    read: ["logs:ListTagsForResource"],
    change: ["logs:DeleteLogGroup"],
  },
  {
    // The log group is found by DescribeLogGroups with a name prefix, which IAM authorises on every log group.
    type: TYPES.logGroup,
    arn: () => arn("logs", "log-group:*"),
    read: ["logs:DescribeLogGroups"],
  },
  {
    type: TYPES.queue,
    arn: (r) => r.state.arn as string,
    create: ["sqs:CreateQueue", "sqs:TagQueue"],
    // GetQueueAttributes is also the waiter until the attributes have propagated.
    read: ["sqs:GetQueueAttributes", "sqs:ListQueueTags"],
    change: ["sqs:SetQueueAttributes", "sqs:DeleteQueue"],
  },
  {
    type: TYPES.queuePolicy,
    // SetQueueAttributes(Policy) on the queue the policy is for, named by its URL; a delete sets it empty.
    arn: (r) => arn("sqs", String(r.inputs.queueUrl).split("/").pop() as string),
    create: ["sqs:SetQueueAttributes"],
    read: ["sqs:GetQueueAttributes"],
  },
  {
    type: TYPES.table,
    arn: (r) => r.state.arn as string,
    create: (r) => [
      "dynamodb:CreateTable",
      "dynamodb:TagResource",
      ...((r.inputs.pointInTimeRecovery as { enabled?: boolean } | undefined)?.enabled
        ? ["dynamodb:UpdateContinuousBackups"]
        : []),
      ...((r.inputs.ttl as { enabled?: boolean } | undefined)?.enabled ? ["dynamodb:UpdateTimeToLive"] : []),
    ],
    // DescribeTable is also the waiter until ACTIVE; PITR and TTL are read back on every read.
    read: [
      "dynamodb:DescribeTable",
      "dynamodb:DescribeContinuousBackups",
      "dynamodb:DescribeTimeToLive",
      "dynamodb:ListTagsOfResource",
    ],
    change: ["dynamodb:UpdateTable", "dynamodb:DeleteTable"],
  },
  {
    type: TYPES.bucket,
    arn: bucketArn,
    create: ["s3:CreateBucket", "s3:PutBucketTagging"],
    // aws_s3_bucket's read still fetches every sub-configuration (HeadBucket is s3:ListBucket), even those
    // managed by their own resources below.
    read: [
      "s3:ListBucket",
      "s3:GetBucketPolicy",
      "s3:GetBucketAcl",
      "s3:GetBucketCORS",
      "s3:GetBucketWebsite",
      "s3:GetBucketVersioning",
      "s3:GetAccelerateConfiguration",
      "s3:GetBucketRequestPayment",
      "s3:GetBucketLogging",
      "s3:GetLifecycleConfiguration",
      "s3:GetReplicationConfiguration",
      "s3:GetEncryptionConfiguration",
      "s3:GetBucketObjectLockConfiguration",
      "s3:GetBucketTagging",
    ],
    change: (r) => ["s3:DeleteBucket", ...(r.inputs.forceDestroy ? ["s3:ListBucketVersions"] : [])],
  },
  {
    // forceDestroy empties the bucket first.
    type: TYPES.bucket,
    arn: (r) => `${bucketArn(r)}/*`,
    change: (r) => (r.inputs.forceDestroy ? ["s3:DeleteObject", "s3:DeleteObjectVersion"] : []),
  },
  {
    type: TYPES.publicAccessBlock,
    arn: bucketArn,
    // DeletePublicAccessBlock is authorised as s3:PutBucketPublicAccessBlock.
    create: ["s3:PutBucketPublicAccessBlock"],
    read: ["s3:GetBucketPublicAccessBlock"],
  },
  {
    type: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    arn: bucketArn,
    create: ["s3:PutBucketCORS"],
    read: ["s3:GetBucketCORS"],
  },
  {
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    arn: bucketArn,
    create: ["s3:PutEncryptionConfiguration"],
    read: ["s3:GetEncryptionConfiguration"],
  },
  {
    type: "aws:s3/bucketPolicy:BucketPolicy",
    arn: bucketArn,
    create: ["s3:PutBucketPolicy"],
    read: ["s3:GetBucketPolicy"],
    change: ["s3:DeleteBucketPolicy"],
  },
  {
    // The functions' code, in SST's asset bucket.
    type: "aws:s3/bucketObjectv2:BucketObjectv2",
    arn: (r) => `arn:${PARTITION}:s3:::${r.inputs.bucket}/${r.inputs.key}`,
    create: ["s3:PutObject"],
    // HeadObject is authorised as s3:GetObject.
    read: ["s3:GetObject", "s3:GetObjectTagging"],
    change: ["s3:DeleteObject"],
  },
  {
    type: TYPES.alarm,
    arn: (r) => arn("cloudwatch", `alarm:${r.inputs.name}`),
    create: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
    change: ["cloudwatch:DeleteAlarms"],
  },
  {
    // Dashboards take no tags.
    type: TYPES.dashboard,
    arn: (r) => arn("cloudwatch", `dashboard/${r.inputs.dashboardName}`, ""),
    create: ["cloudwatch:PutDashboard"],
    read: ["cloudwatch:GetDashboard"],
    change: ["cloudwatch:DeleteDashboards"],
  },
  // API Gateway authorises by HTTP verb on the resource's path; tags come back with each GET.
  { type: TYPES.api, arn: () => api(""), create: ["apigateway:POST"] },
  {
    type: TYPES.api,
    arn: (r) => api(`/${r.state.id}`),
    read: ["apigateway:GET"],
    change: ["apigateway:PATCH", "apigateway:DELETE"],
  },
  { type: TYPES.apiStage, arn: (r) => api(`/${r.inputs.apiId}/stages`), create: ["apigateway:POST"] },
  {
    type: TYPES.apiStage,
    arn: (r) => api(`/${r.inputs.apiId}/stages/${r.state.name}`),
    read: ["apigateway:GET"],
    change: ["apigateway:PATCH", "apigateway:DELETE"],
  },
  {
    // The stage's read also gets its API, for the protocol behind invoke_url and execution_arn (from the
    // provider's stage.go as remembered, not re-read for 6.x: required to be safe).
    type: TYPES.apiStage,
    arn: (r) => api(`/${r.inputs.apiId}`),
    read: ["apigateway:GET"],
  },
  ...apiChild(TYPES.route, "routes"),
  // The JWT authorizer of callers' tokens (issue #16).
  ...apiChild("aws:apigatewayv2/authorizer:Authorizer", "authorizers"),
  ...apiChild("aws:apigatewayv2/integration:Integration", "integrations"),
  {
    type: TYPES.topic,
    arn: (r) => r.state.arn as string,
    // Attributes CreateTopic cannot take are set right after it.
    create: ["sns:CreateTopic", "sns:TagResource", "sns:SetTopicAttributes"],
    read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
    change: ["sns:UntagResource", "sns:DeleteTopic"],
  },
  // Subscribe is authorised on the topic; the rest on the subscription (<topic ARN>:<id>).
  { type: TYPES.topicSubscription, arn: (r) => String(r.inputs.topic), create: ["sns:Subscribe"] },
  {
    type: TYPES.topicSubscription,
    arn: (r) => r.state.arn as string,
    // GetSubscriptionAttributes is also the waiter until the subscription is confirmed.
    read: ["sns:GetSubscriptionAttributes"],
    change: ["sns:SetSubscriptionAttributes", "sns:Unsubscribe"],
  },
  // CreateEventSourceMapping takes no resource (IAM authorises it on *, with the function as a condition key).
  { type: TYPES.eventSourceMapping, arn: () => "*", create: ["lambda:CreateEventSourceMapping"] },
  {
    type: TYPES.eventSourceMapping,
    arn: () => EVENT_SOURCE_MAPPING,
    // GetEventSourceMapping is also the waiter until Enabled. Mappings take tags since provider 5.x.
    read: ["lambda:GetEventSourceMapping", "lambda:ListTags"],
    change: ["lambda:UpdateEventSourceMapping", "lambda:DeleteEventSourceMapping"],
  },
  {
    type: TYPES.eventRule,
    arn: (r) => arn("events", `rule/${r.state.name}`),
    create: ["events:PutRule", "events:TagResource"],
    // DescribeRule is retried right after PutRule until the rule is found.
    read: ["events:DescribeRule", "events:ListTagsForResource"],
    change: ["events:DeleteRule"],
  },
  {
    // Targets are authorised on their rule.
    type: TYPES.eventTarget,
    arn: (r) => arn("events", `rule/${r.inputs.rule}`),
    create: ["events:PutTargets"],
    read: ["events:ListTargetsByRule"],
    change: ["events:RemoveTargets"],
  },
  {
    // sst.aws.CronV2 (internal/service/scheduler/schedule.go): CreateSchedule, then GetSchedule, which every read
    // repeats; UpdateSchedule and DeleteSchedule. A schedule takes no tags (only a schedule group does), so the
    // provider lists none. Authorised on schedule/<group>/<name>.
    type: TYPES.schedule,
    arn: (r) => r.state.arn as string,
    create: ["scheduler:CreateSchedule"],
    read: ["scheduler:GetSchedule"],
    change: ["scheduler:UpdateSchedule", "scheduler:DeleteSchedule"],
  },
  {
    // CreateSchedule and UpdateSchedule hand the schedule's role to EventBridge Scheduler.
    type: TYPES.schedule,
    arn: (r) => (r.inputs.target as { roleArn: string }).roleArn,
    create: ["iam:PassRole"],
    change: ["iam:PassRole"],
  },
];

/** One call the deploy role must be allowed, for one resource of the graph. */
interface Call {
  phase: "create" | "read" | "change";
  action: string;
  resource: string;
  context: RequestContext;
}

const PHASES = ["create", "read", "change"] as const;

/** Every call `sst deploy` makes for the resources of a stage's graph, by NEEDS. */
function callsFor(graph: Graph): Call[] {
  return NEEDS.flatMap((need) =>
    graph.ofType(need.type).flatMap((resource) =>
      PHASES.flatMap((phase) => {
        const actions = need[phase];
        const list = typeof actions === "function" ? actions(resource) : (actions ?? []);
        return list.map((action) => ({
          phase,
          action,
          resource: need.arn(resource),
          context: requestContext(resource),
        }));
      }),
    ),
  );
}

/** The calls a policy refuses, as `<action> on <ARN> (<phase>)`, each once. */
function refusedCalls(document: PolicyDocument, graph: Graph): string[] {
  const refused = callsFor(graph)
    .filter((call) => !allows(document, call.action, call.resource, call.context))
    .map((call) => `${call.action} on ${call.resource} (${call.phase})`);
  return [...new Set(refused)];
}

/** A copy of a policy without some actions: the mutation the check must catch. */
function withoutActions(document: PolicyDocument, removed: string[]): PolicyDocument {
  return {
    statements: document.statements.map((statement) => ({
      ...statement,
      actions: statement.actions.filter((action) => !removed.includes(action)),
    })),
  };
}

describe("the deploy role's policy (stacks/foundation/github-deploy.tf)", () => {
  it("declares only statements this check can read", () => {
    const unreadable = policy.statements
      .flatMap((s) => [...s.actions, ...s.resources])
      .filter((v) => v.startsWith("<unevaluated"));
    expect(unreadable).toEqual([]);
  });

  describe.each(STAGES)("covers every resource SST registers for stage %s", (stage) => {
    const graph: Graph = loadGraph(stage);

    it("registers the kinds of resource the policy is checked for", () => {
      const checked = new Set(NEEDS.map((need) => need.type));
      const unchecked = [...new Set(graph.custom.map((r) => r.type))].filter(
        (type) => !checked.has(type) && !type.startsWith("random:"),
      );
      expect(unchecked, "add what sst deploy calls for these to NEEDS").toEqual([]);
    });

    it("grants each create call, the provider's read-back of it, and its update and delete, on each physical name", () => {
      expect(refusedCalls(policy, graph)).toEqual([]);
    });
  });

  it("can deliver the HTTP API's access logs (CloudWatch Logs delivery, on *)", () => {
    for (const action of [
      "logs:CreateLogDelivery",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
    ]) {
      expect(allows(policy, action, "*"), action).toBe(true);
    }
  });

  it("can bootstrap SST's asset repository in a fresh account or region", () => {
    const repository = arn("ecr", "repository/sst-asset");
    expect(allows(policy, "ecr:CreateRepository", repository)).toBe(true);
    expect(allows(policy, "ecr:DescribeRepositories", repository)).toBe(true);
  });

  it("cannot touch another app's functions or roles", () => {
    expect(allows(policy, "lambda:CreateFunction", arn("lambda", "function:billing-dev-Api-abcdefgh"))).toBe(false);
    expect(allows(policy, "iam:PassRole", `arn:${PARTITION}:iam::${ACCOUNT}:role/admin`)).toBe(false);
    expect(allows(policy, "dynamodb:DeleteTable", arn("dynamodb", "table/billing-production-Ledger-abcdefgh"))).toBe(
      false,
    );
  });
});

describe("the deploy role check", () => {
  it("catches the mutation: cloudwatch:DescribeAlarms and scheduler:GetSchedule removed (issue #18)", () => {
    // Arrange: a copy of the policy without the read-backs, as the mutation left it; the .tf is untouched. (Issue
    // #18 removed events:DescribeRule and events:ListTargetsByRule too; the schedules are no longer EventBridge
    // rules, and GetSchedule is their read-back now.)
    const removed = ["cloudwatch:DescribeAlarms", "scheduler:GetSchedule"];
    const mutated = withoutActions(policy, removed);
    for (const stage of STAGES) {
      const graph = loadGraph(stage);
      // Act
      const refused = refusedCalls(mutated, graph);
      // Assert: each alarm's and each schedule's read-back is refused, and nothing else.
      const count = (action: string) => refused.filter((call) => call.startsWith(`${action} on `)).length;
      expect(count("cloudwatch:DescribeAlarms"), stage).toBe(graph.ofType(TYPES.alarm).length);
      expect(count("scheduler:GetSchedule"), stage).toBe(graph.ofType(TYPES.schedule).length);
      expect(
        refused.filter((call) => !removed.some((action) => call.startsWith(`${action} on `))),
        stage,
      ).toEqual([]);
      expect(count("cloudwatch:DescribeAlarms")).toBeGreaterThan(0);
      expect(count("scheduler:GetSchedule")).toBeGreaterThan(0);
    }
  });

  it("catches the mutation: roles passed to Lambda only, as before the schedules moved to EventBridge Scheduler", () => {
    // Arrange: the policy's iam:PassedToService conditions without scheduler.amazonaws.com.
    const mutated: PolicyDocument = {
      statements: policy.statements.map((statement) => ({
        ...statement,
        conditions: statement.conditions.map((condition) =>
          condition.variable === "iam:PassedToService"
            ? { ...condition, values: condition.values.filter((value) => value !== "scheduler.amazonaws.com") }
            : condition,
        ),
      })),
    };
    for (const stage of STAGES) {
      const graph = loadGraph(stage);
      const scheduleRoles = graph.ofType(TYPES.schedule).map((s) => (s.inputs.target as { roleArn: string }).roleArn);
      // Act
      const refused = refusedCalls(mutated, graph);
      // Assert: passing each schedule's role is refused (as the schedule's and as the role's call), and nothing else.
      expect(scheduleRoles.length, stage).toBeGreaterThan(0);
      expect(new Set(refused.map((call) => call.replace(/ \((create|read|change)\)$/, ""))), stage).toEqual(
        new Set(scheduleRoles.map((role) => `iam:PassRole on ${role}`)),
      );
    }
  });
});

describe("the deploy role's name patterns, for other stage names", () => {
  const dev = loadGraph("dev");
  /** The create call and ARN for a physical name of each named type. */
  const callFor: Record<string, (name: string) => [string, string][]> = {
    [TYPES.function]: (name) => [
      ["lambda:CreateFunction", arn("lambda", `function:${name}`)],
      ["logs:CreateLogGroup", arn("logs", `log-group:/aws/lambda/${name}`)],
    ],
    [TYPES.role]: (name) => [
      ["iam:CreateRole", `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`],
      ["iam:PassRole", `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}`],
    ],
    [TYPES.queue]: (name) => [["sqs:CreateQueue", arn("sqs", name)]],
    [TYPES.topic]: (name) => [
      ["sns:CreateTopic", arn("sns", name)],
      ["sns:Unsubscribe", arn("sns", `${name}:00000000-0000-4000-8000-000000000000`)],
    ],
    [TYPES.table]: (name) => [["dynamodb:CreateTable", arn("dynamodb", `table/${name}`)]],
    [TYPES.bucket]: (name) => [["s3:CreateBucket", `arn:${PARTITION}:s3:::${name}`]],
    [TYPES.eventRule]: (name) => [["events:PutRule", arn("events", `rule/${name}`)]],
    [TYPES.schedule]: (name) => [
      ["scheduler:CreateSchedule", arn("scheduler", `schedule/default/${name}`)],
      ["scheduler:GetSchedule", arn("scheduler", `schedule/default/${name}`)],
    ],
    // Named by the app (infra/alarms.ts), <app>-<stage>-<what>: every alarm, the function ones included.
    [TYPES.alarm]: (name) => [
      ["cloudwatch:PutMetricAlarm", arn("cloudwatch", `alarm:${name}`)],
      ["cloudwatch:DescribeAlarms", arn("cloudwatch", `alarm:${name}`)],
    ],
    [TYPES.dashboard]: (name) => [
      ["cloudwatch:PutDashboard", arn("cloudwatch", `dashboard/${name}`, "")],
      ["cloudwatch:GetDashboard", arn("cloudwatch", `dashboard/${name}`, "")],
    ],
  };
  /** The input holding a resource's physical name: SST's rules, or the app's own for alarms and the dashboard. */
  const nameField: Record<string, string> = { [TYPES.alarm]: "name", [TYPES.dashboard]: "dashboardName" };
  const named = dev.custom.filter((resource) => resource.type in callFor);

  it("cover every name SST would give this app's resources on any stage of up to 11 characters", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), (stage) => {
        // Arrange: the policy as Terraform would render it for that one stage.
        const scoped = new TerraformModule(
          new URL("../../stacks/foundation", import.meta.url).pathname,
          { account: ACCOUNT, region: REGION, partition: PARTITION },
          { github_repository: "acme/orders", stages: [stage] },
        ).policyDocument("deploy");
        for (const resource of named) {
          // Act: the name SST's rules give this resource on that stage (or the app gives it, <app>-<stage>-<Name>).
          const given = resource.inputs[
            NAME_RULES[resource.type]?.field ?? (nameField[resource.type] as string)
          ] as string;
          const name = RANDOM_SUFFIX.test(given)
            ? `${physicalPrefix(dev.synth.app.name, stage, resource.type, resource.name)}-abcdefgh`
            : given.replace(/^orders-dev-/, `orders-${stage}-`);
          // Assert
          for (const [action, target] of (callFor[resource.type] as (name: string) => [string, string][])(name)) {
            expect(allows(scoped, action, target, requestContext(resource)), `${action} on ${target}`).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
