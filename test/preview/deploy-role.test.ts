import { type Graph, type RegisteredResource, TYPES } from "@orders/harness/preview/graph";
import { ACCOUNT, PARTITION, REGION } from "@orders/harness/preview/mocks";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allows, type RequestContext } from "./iam.ts";
import { NAME_RULES, physicalPrefix, RANDOM_SUFFIX } from "./naming.ts";
import { TerraformModule } from "./terraform.ts";

const foundation = new TerraformModule(
  new URL("../../stacks/foundation", import.meta.url).pathname,
  { account: ACCOUNT, region: REGION, partition: PARTITION },
  { github_repository: "acme/orders" },
);
const policy = foundation.policyDocument("deploy");

interface Need {
  type: string;
  /** The ARN IAM evaluates for the create call, from what SST registered. */
  arn(resource: RegisteredResource): string;
  actions: string[];
}

/**
 * The condition keys of a create call for a resource: the permissions boundary
 * SST set on it (a role), and Lambda as the service a role is passed to.
 */
const requestContext = (resource: RegisteredResource): RequestContext => ({
  "iam:PermissionsBoundary": resource.inputs.permissionsBoundary as string | undefined,
  "iam:PassedToService": "lambda.amazonaws.com",
});

const arn = (service: string, rest: string, region = REGION) =>
  `arn:${PARTITION}:${service}:${region}:${ACCOUNT}:${rest}`;

/** What `sst deploy` calls to create each kind of resource this app registers, on which ARN. */
const NEEDS: Need[] = [
  {
    type: TYPES.function,
    arn: (r) => r.state.arn as string,
    actions: [
      "lambda:CreateFunction",
      "lambda:TagResource",
      "lambda:GetFunction",
      "lambda:UpdateFunctionCode",
      "lambda:DeleteFunction",
    ],
  },
  {
    type: "aws:lambda/permission:Permission",
    arn: (r) => String(r.inputs.function),
    actions: ["lambda:AddPermission", "lambda:RemovePermission"],
  },
  {
    type: TYPES.role,
    arn: (r) => r.state.arn as string,
    actions: [
      "iam:CreateRole",
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:PassRole",
      "iam:TagRole",
      "iam:DeleteRole",
    ],
  },
  {
    type: TYPES.logGroup,
    arn: (r) => arn("logs", `log-group:${r.state.name}`),
    actions: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource", "logs:DeleteLogGroup"],
  },
  {
    type: TYPES.queue,
    arn: (r) => r.state.arn as string,
    actions: ["sqs:CreateQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:DeleteQueue"],
  },
  {
    type: TYPES.table,
    arn: (r) => r.state.arn as string,
    actions: [
      "dynamodb:CreateTable",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:TagResource",
      "dynamodb:DescribeTable",
    ],
  },
  {
    type: TYPES.bucket,
    arn: (r) => r.state.arn as string,
    actions: [
      "s3:CreateBucket",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutEncryptionConfiguration",
      "s3:PutBucketPolicy",
      "s3:PutBucketCORS",
      "s3:PutBucketTagging",
    ],
  },
  {
    type: "aws:s3/bucketObjectv2:BucketObjectv2",
    arn: (r) => `arn:${PARTITION}:s3:::${r.inputs.bucket}/${r.inputs.key}`,
    actions: ["s3:PutObject"],
  },
  {
    type: TYPES.alarm,
    arn: (r) => arn("cloudwatch", `alarm:${r.inputs.name}`),
    actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms"],
  },
  {
    type: TYPES.dashboard,
    arn: (r) => arn("cloudwatch", `dashboard/${r.inputs.dashboardName}`, ""),
    actions: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"],
  },
  { type: TYPES.api, arn: () => `arn:${PARTITION}:apigateway:${REGION}::/apis`, actions: ["apigateway:POST"] },
  {
    type: TYPES.apiStage,
    arn: (r) => `arn:${PARTITION}:apigateway:${REGION}::/apis/${r.inputs.apiId}/stages`,
    actions: ["apigateway:POST"],
  },
  {
    type: TYPES.route,
    arn: (r) => `arn:${PARTITION}:apigateway:${REGION}::/apis/${r.inputs.apiId}/routes`,
    actions: ["apigateway:POST"],
  },
  {
    // The JWT authorizer of callers' tokens (issue #16).
    type: "aws:apigatewayv2/authorizer:Authorizer",
    arn: (r) => `arn:${PARTITION}:apigateway:${REGION}::/apis/${r.inputs.apiId}/authorizers`,
    actions: ["apigateway:POST", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
  },
  {
    type: "aws:apigatewayv2/integration:Integration",
    arn: (r) => `arn:${PARTITION}:apigateway:${REGION}::/apis/${r.inputs.apiId}/integrations`,
    actions: ["apigateway:POST"],
  },
  {
    type: TYPES.queuePolicy,
    // SetQueueAttributes(Policy) on the queue the policy is for, named by its URL.
    arn: (r) => arn("sqs", String(r.inputs.queueUrl).split("/").pop() as string),
    actions: ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
  },
  {
    type: TYPES.topic,
    arn: (r) => r.state.arn as string,
    actions: [
      "sns:CreateTopic",
      "sns:SetTopicAttributes",
      "sns:GetTopicAttributes",
      "sns:TagResource",
      "sns:ListTagsForResource",
      "sns:DeleteTopic",
    ],
  },
  // Subscribe is authorised on the topic; the rest on the subscription (<topic ARN>:<id>).
  { type: TYPES.topicSubscription, arn: (r) => String(r.inputs.topic), actions: ["sns:Subscribe"] },
  {
    type: TYPES.topicSubscription,
    arn: (r) => r.state.arn as string,
    actions: ["sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:Unsubscribe"],
  },
  { type: TYPES.eventSourceMapping, arn: () => "*", actions: ["lambda:CreateEventSourceMapping"] },
  {
    type: TYPES.eventRule,
    arn: (r) => arn("events", `rule/${r.state.name}`),
    actions: ["events:PutRule", "events:DeleteRule", "events:TagResource"],
  },
  {
    type: TYPES.eventTarget,
    arn: (r) => arn("events", `rule/${r.inputs.rule}`),
    actions: ["events:PutTargets", "events:RemoveTargets"],
  },
];

describe("the deploy role's policy (stacks/foundation/github-deploy.tf)", () => {
  it("declares only statements this check can read", () => {
    const unreadable = policy.statements
      .flatMap((s) => [...s.actions, ...s.resources])
      .filter((v) => v.startsWith("<unevaluated"));
    expect(unreadable).toEqual([]);
  });

  describe.each(STAGES)("covers every resource SST registers for stage %s", (stage) => {
    const graph: Graph = loadGraph(stage);
    const cases = NEEDS.flatMap((need) =>
      graph.ofType(need.type).flatMap((resource) =>
        need.actions.map((action) => ({
          label: `${action} on ${need.arn(resource)}`,
          action,
          resource: need.arn(resource),
          context: requestContext(resource),
        })),
      ),
    );

    it("registers the kinds of resource the policy is checked for", () => {
      const checked = new Set(NEEDS.map((need) => need.type));
      const unchecked = [...new Set(graph.custom.map((r) => r.type))].filter(
        (type) => !checked.has(type) && !type.startsWith("random:") && !NOT_AN_AWS_CALL.has(type),
      );
      expect(unchecked, "add what sst deploy calls for these to NEEDS").toEqual([]);
    });

    it("grants each create call on each physical name", () => {
      const denied = cases.filter((c) => !allows(policy, c.action, c.resource, c.context)).map((c) => c.label);
      expect(denied).toEqual([]);
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

/** Settings resources created through their parent's API calls, covered by the parent's actions above. */
const NOT_AN_AWS_CALL = new Set([
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketPolicy:BucketPolicy",
]);

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
  };
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
          const given = resource.inputs[NAME_RULES[resource.type]?.field as string] as string;
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
