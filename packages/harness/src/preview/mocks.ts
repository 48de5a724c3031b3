/**
 * Pulumi mocks for the preview: what the AWS provider would answer, reduced to
 * the identifiers the app's own resources reference (ARNs, URLs, names), so
 * that IAM policies and alarms built from them carry realistic values.
 * Everything else a provider would compute is not known here.
 */
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const PARTITION = "aws";
export const ALERTS_TOPIC_ARN = `arn:${PARTITION}:sns:${REGION}:${ACCOUNT}:orders-alerts`;
/** What Terraform's `aws_iam_policy.app_boundary` is named (stacks/foundation/boundary.tf). */
export const APP_BOUNDARY_ARN = `arn:${PARTITION}:iam::${ACCOUNT}:policy/orders-app-boundary`;

/** The foundation's SSM parameters (stacks/foundation/parameters.tf), by the end of their name. */
const PARAMETERS: Record<string, string> = {
  "alerts-topic-arn": ALERTS_TOPIC_ARN,
  "app-boundary-arn": APP_BOUNDARY_ARN,
};

type Inputs = Record<string, unknown>;

interface Statement {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  conditions?: { test: string; variable: string; values: string[] }[];
}

/** `aws.iam.getPolicyDocument`'s `json`, from its input statements, as the provider renders it. */
export function policyJson(statements: Statement[]): string {
  const one = (values: string[] | undefined) => (values && values.length === 1 ? values[0] : values);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => {
      const rendered: Record<string, unknown> = { Effect: s.effect ?? "Allow" };
      if (s.sid) rendered.Sid = s.sid;
      if (s.actions) rendered.Action = one(s.actions);
      if (s.notActions) rendered.NotAction = one(s.notActions);
      if (s.resources) rendered.Resource = one(s.resources);
      if (s.notResources) rendered.NotResource = one(s.notResources);
      if (s.principals) {
        rendered.Principal = Object.fromEntries(s.principals.map((p) => [p.type, one(p.identifiers)]));
      }
      if (s.conditions) {
        const condition: Record<string, Record<string, unknown>> = {};
        for (const c of s.conditions) {
          condition[c.test] ??= {};
          (condition[c.test] as Record<string, unknown>)[c.variable] = one(c.values);
        }
        rendered.Condition = condition;
      }
      return rendered;
    }),
  });
}

/** Answers the provider functions the platform and `infra/` call. */
export function callMock(token: string, inputs: Inputs): Inputs {
  switch (token) {
    case "aws:iam/getPolicyDocument:getPolicyDocument": {
      const json = policyJson((inputs.statements as Statement[] | undefined) ?? []);
      return { ...inputs, id: "policy", json, minifiedJson: json };
    }
    case "aws:index/getRegion:getRegion":
      return { id: REGION, name: REGION, region: REGION, endpoint: `ec2.${REGION}.amazonaws.com` };
    case "aws:index/getPartition:getPartition":
      return { id: PARTITION, partition: PARTITION, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: ACCOUNT,
        accountId: ACCOUNT,
        arn: `arn:${PARTITION}:iam::${ACCOUNT}:user/preview`,
        userId: "PREVIEW",
      };
    case "aws:ssm/getParameter:getParameter": {
      const value = PARAMETERS[String(inputs.name).split("/").pop() as string];
      if (value === undefined) throw new Error(`the preview has no value for SSM parameter ${inputs.name}`);
      return { ...inputs, id: inputs.name, type: "String", value, insecureValue: value };
    }
    default:
      return inputs;
  }
}

const arn = (service: string, resource: string, region = REGION, account = ACCOUNT) =>
  `arn:${PARTITION}:${service}:${region}:${account}:${resource}`;

/** A resource's state: its inputs plus the identifiers AWS would assign. */
export function newResourceMock(args: { type: string; name: string; inputs: Inputs }): { id: string; state: Inputs } {
  const inputs = args.inputs;
  const name = (inputs.name as string | undefined) ?? args.name;
  const state: Inputs = { ...inputs };
  let id = `${args.name}-id`;
  switch (args.type) {
    case "aws:lambda/function:Function":
      Object.assign(state, {
        name,
        arn: arn("lambda", `function:${name}`),
        qualifiedArn: arn("lambda", `function:${name}:$LATEST`),
        invokeArn: `arn:${PARTITION}:apigateway:${REGION}:lambda:path/2015-03-31/functions/${arn("lambda", `function:${name}`)}/invocations`,
      });
      id = name;
      break;
    case "aws:iam/role:Role":
      Object.assign(state, { name, arn: `arn:${PARTITION}:iam::${ACCOUNT}:role/${name}` });
      id = name;
      break;
    case "aws:sqs/queue:Queue": {
      const url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
      Object.assign(state, { name, arn: arn("sqs", name), url });
      id = url;
      break;
    }
    case "aws:sns/topic:Topic":
      Object.assign(state, { name, arn: arn("sns", name) });
      id = state.arn as string;
      break;
    case "aws:sns/topicSubscription:TopicSubscription": {
      // SNS names a subscription after its topic and a UUID.
      const topic = String(inputs.topic ?? arn("sns", "unknown"));
      Object.assign(state, {
        arn: `${topic}:00000000-0000-4000-8000-${args.name.length.toString().padStart(12, "0")}`,
      });
      id = state.arn as string;
      break;
    }
    case "aws:dynamodb/table:Table":
      Object.assign(state, {
        name,
        arn: arn("dynamodb", `table/${name}`),
        streamArn: arn("dynamodb", `table/${name}/stream/preview`),
      });
      id = name;
      break;
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = (inputs.bucket as string | undefined) ?? args.name.toLowerCase();
      Object.assign(state, {
        bucket,
        arn: `arn:${PARTITION}:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${REGION}.amazonaws.com`,
      });
      id = bucket;
      break;
    }
    case "aws:cloudwatch/logGroup:LogGroup":
      Object.assign(state, { name, arn: arn("logs", `log-group:${name}`) });
      id = name;
      break;
    case "aws:apigatewayv2/api:Api":
      id = "previewapi";
      Object.assign(state, {
        apiEndpoint: `https://${id}.execute-api.${REGION}.amazonaws.com`,
        arn: `arn:${PARTITION}:apigateway:${REGION}::/apis/${id}`,
        executionArn: arn("execute-api", id),
      });
      break;
    case "aws:cloudwatch/eventRule:EventRule":
      Object.assign(state, { name, arn: arn("events", `rule/${name}`) });
      id = name;
      break;
    case "aws:scheduler/schedule:Schedule": {
      // Without a group, a schedule is in the account's `default` group; the provider's id is <group>/<name>.
      const group = (inputs.groupName as string | undefined) ?? "default";
      Object.assign(state, { name, groupName: group, arn: arn("scheduler", `schedule/${group}/${name}`) });
      id = `${group}/${name}`;
      break;
    }
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      Object.assign(state, { arn: arn("cloudwatch", `alarm:${name}`) });
      id = name;
      break;
    case "random:index/randomBytes:RandomBytes":
      Object.assign(state, { base64: Buffer.alloc(Number(inputs.length ?? 32), 7).toString("base64"), hex: "07" });
      break;
    case "random:index/randomString:RandomString":
    case "random:index/randomPassword:RandomPassword":
      Object.assign(state, { result: "preview".padEnd(Number(inputs.length ?? 16), "x") });
      break;
  }
  state.id = id;
  return { id, state };
}
