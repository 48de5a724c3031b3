/**
 * Recording fakes of the SST globals `infra/` uses, so the real infra files
 * can be loaded and inspected without Pulumi or an AWS account.
 */
export interface Recorded {
  type: string;
  name: string;
  args: Record<string, unknown>;
  subscriptions: { subscriber: Record<string, unknown>; args: Record<string, unknown> }[];
  routes: { key: string; handler: Record<string, unknown>; args: Record<string, unknown> | undefined }[];
}

export function installSstFakes(stage: string): Recorded[] {
  const recorded: Recorded[] = [];

  class Component {
    readonly record: Recorded;
    readonly name: string;
    readonly arn: string;
    readonly url: string;

    readonly nodes: Record<string, Record<string, string>>;

    constructor(type: string, name: string, args: Record<string, unknown> = {}) {
      this.record = { type, name, args, subscriptions: [], routes: [] };
      this.name = `${name}.name`;
      this.arn = `${name}.arn`;
      this.url = `${name}.url`;
      this.nodes = { queue: { name: `${name}.queueName` }, api: { id: `${name}.apiId` } };
      recorded.push(this.record);
    }
  }
  const component = (type: string) =>
    class extends Component {
      constructor(name: string, args?: Record<string, unknown>) {
        super(type, name, args);
      }
    };
  class Queue extends component("sst.aws.Queue") {
    subscribe(subscriber: Record<string, unknown>, args: Record<string, unknown>) {
      this.record.subscriptions.push({ subscriber, args });
      return { nodes: { function: { name: `${this.record.name}Subscriber.functionName` } } };
    }
  }
  class ApiGatewayV2 extends component("sst.aws.ApiGatewayV2") {
    route(key: string, handler: Record<string, unknown>, args?: Record<string, unknown>) {
      this.record.routes.push({ key, handler, args });
    }
  }

  Object.assign(globalThis, {
    $app: { name: "orders", stage },
    $dev: false,
    $jsonStringify: (value: unknown) => JSON.stringify(value),
    aws: {
      cloudwatch: {
        MetricAlarm: component("aws.cloudwatch.MetricAlarm"),
        Dashboard: component("aws.cloudwatch.Dashboard"),
      },
      s3: { BucketServerSideEncryptionConfiguration: component("aws.s3.BucketServerSideEncryptionConfiguration") },
      ssm: { getParameterOutput: ({ name }: { name: string }) => ({ value: `ssm:${name}` }) },
      getRegionOutput: () => ({ region: "us-east-1" }),
    },
    sst: {
      Linkable: component("sst.Linkable"),
      Secret: component("sst.Secret"),
      aws: {
        Dynamo: component("sst.aws.Dynamo"),
        Bucket: component("sst.aws.Bucket"),
        Queue,
        ApiGatewayV2,
      },
    },
  });
  return recorded;
}

/** The logical name a fake resource was linked as. */
export function linkNames(links: unknown): string[] {
  return (links as { record: Recorded }[]).map((link) => link.record.name).sort();
}
