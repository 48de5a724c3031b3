import type { CallCounts } from "./calls-per-order.ts";

export interface Pricing {
  apiGatewayHttpPerMillion: number;
  sqsPerMillionRequests: number;
  dynamoWritePerMillion: number;
  dynamoReadPerMillion: number;
  s3PutPer1000: number;
  s3GetPer1000: number;
  lambdaArmPerMillionRequests: number;
  lambdaArmPerGbSecond: number;
}

export interface CostInput {
  calls: CallCounts;
  /** The event source mapping's receive and delete, shared by a batch. */
  batchSize: number;
  apiLambda: { ms: number; memoryMb: number };
  processorLambda: { msPerOrder: number; memoryMb: number };
}

const WRITES = new Set(["DynamoDB:PutItem", "DynamoDB:UpdateItem", "DynamoDB:DeleteItem"]);
const READS = new Set(["DynamoDB:GetItem", "DynamoDB:Query"]);

/** Dollars per million orders, line by line. */
export function costPerMillion(input: CostInput, price: Pricing): Record<string, number> {
  const count = (match: (name: string) => boolean) =>
    Object.entries(input.calls).reduce((sum, [name, n]) => sum + (match(name) ? n : 0), 0);
  const sqsRequests = count((name) => name.startsWith("SQS:")) + 2 / input.batchSize;
  const gbSeconds = (ms: number, mb: number) => (ms / 1000) * (mb / 1024);
  return {
    "API Gateway": price.apiGatewayHttpPerMillion,
    "Lambda requests": price.lambdaArmPerMillionRequests * (1 + 1 / input.batchSize),
    "Lambda duration":
      1e6 *
      price.lambdaArmPerGbSecond *
      (gbSeconds(input.apiLambda.ms, input.apiLambda.memoryMb) +
        gbSeconds(input.processorLambda.msPerOrder, input.processorLambda.memoryMb)),
    SQS: price.sqsPerMillionRequests * sqsRequests,
    "DynamoDB writes": price.dynamoWritePerMillion * count((name) => WRITES.has(name)),
    "DynamoDB reads": price.dynamoReadPerMillion * count((name) => READS.has(name)),
    "S3 PUT": price.s3PutPer1000 * 1000 * count((name) => name === "S3:PutObject"),
  };
}

/**
 * The floor of this architecture for a valid order, as the issue defines it:
 * API Gateway, one API Lambda invocation, an SQS send plus a batched receive
 * and delete, one DynamoDB write and one S3 PUT.
 */
export function floorPerMillion(price: Pricing, batchSize: number): number {
  return (
    price.apiGatewayHttpPerMillion +
    price.lambdaArmPerMillionRequests +
    price.sqsPerMillionRequests * (1 + 2 / batchSize) +
    price.dynamoWritePerMillion +
    price.s3PutPer1000 * 1000
  );
}
