/**
 * The resource graph one stage registers, as packages/harness/src/preview/synth-stage.ts
 * records it, with the queries the preview tests and `npm run preview` share.
 */

export interface RegisteredResource {
  /** Pulumi type token, e.g. `aws:lambda/function:Function`, or an SST component's `sst:aws:Function`. */
  type: string;
  /** The logical name SST gave it. */
  name: string;
  /** False for component resources (SST's own grouping), true for what a provider creates. */
  custom: boolean;
  inputs: Record<string, unknown>;
  /** The inputs plus what the mocks assigned (ARNs, URLs). */
  state: Record<string, unknown>;
  options: { retainOnDelete?: boolean; protect?: boolean; parent?: string };
}

export interface BuildRecord {
  functionID: string;
  handler: string;
  runtime: string;
  architecture: string;
  /** The names of the resources linked to it, as SST passes them to the build. */
  links: string[];
  /** What each link gives the function at run time (`Resource.<Name>`). */
  linkProperties: Record<string, unknown>;
  bytes: number;
  /** The bundle's exports: the handler's export must be one. */
  exports: string[];
  /** npm packages whose code is inside the bundle. */
  bundledPackages: string[];
  /** Bare imports left for the runtime to provide. */
  externalImports: string[];
}

export interface Synth {
  stage: string;
  app: { name: string; removal: string; protect: boolean };
  account: string;
  region: string;
  partition: string;
  outputs: Record<string, unknown>;
  resources: RegisteredResource[];
  builds: BuildRecord[];
  /** Provider functions the program called (data sources: SSM parameters, policy documents, the region). */
  calls: { token: string; inputs: Record<string, unknown> }[];
  seconds: number;
}

export const TYPES = {
  function: "aws:lambda/function:Function",
  role: "aws:iam/role:Role",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  topic: "aws:sns/topic:Topic",
  topicSubscription: "aws:sns/topicSubscription:TopicSubscription",
  table: "aws:dynamodb/table:Table",
  bucket: "aws:s3/bucket:Bucket",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  eventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
  api: "aws:apigatewayv2/api:Api",
  apiStage: "aws:apigatewayv2/stage:Stage",
  route: "aws:apigatewayv2/route:Route",
  eventRule: "aws:cloudwatch/eventRule:EventRule",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  schedule: "aws:scheduler/schedule:Schedule",
} as const;

/** Queries over one stage's resources. */
export class Graph {
  readonly synth: Synth;

  constructor(synth: Synth) {
    this.synth = synth;
  }

  get stage(): string {
    return this.synth.stage;
  }

  /** Resources a provider would create (no SST components). */
  get custom(): RegisteredResource[] {
    return this.synth.resources.filter((resource) => resource.custom);
  }

  ofType(type: string): RegisteredResource[] {
    return this.synth.resources.filter((resource) => resource.type === type);
  }

  /** The one resource of a type with this logical name; throws when there is not exactly one. */
  one(type: string, name: string): RegisteredResource {
    const found = this.ofType(type).filter((resource) => resource.name === name);
    if (found.length !== 1) {
      const names = this.ofType(type).map((resource) => resource.name);
      throw new Error(`${found.length} ${type} named ${name}; there are: ${names.join(", ")}`);
    }
    return found[0] as RegisteredResource;
  }

  /** The Lambda function resource whose role or function name SST derived from `component`. */
  functionOf(component: string): RegisteredResource {
    return this.one(TYPES.function, `${component}Function`);
  }

  /** The inline policy statements of a function's role. */
  policyOf(component: string): PolicyStatement[] {
    const role = this.one(TYPES.role, `${component}Role`);
    const inline = (role.state.inlinePolicies as { name?: string; policy?: string }[] | undefined) ?? [];
    return inline.flatMap((policy) => (policy.policy ? statementsOf(policy.policy) : []));
  }
}

export interface PolicyStatement {
  Effect: string;
  Action: string[];
  Resource: string[];
}

/** A policy document's statements, with Action and Resource always arrays. */
export function statementsOf(json: string): PolicyStatement[] {
  const document = JSON.parse(json) as {
    Statement: { Effect: string; Action: string | string[]; Resource: string | string[] }[];
  };
  const list = (value: string | string[] | undefined) =>
    value === undefined ? [] : Array.isArray(value) ? value : [value];
  return document.Statement.map((s) => ({ Effect: s.Effect, Action: list(s.Action), Resource: list(s.Resource) }));
}

/** IAM's wildcard match (`*` any run, `?` one character), case-sensitive as ARNs are. */
export function iamMatch(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`).test(value);
}
