import { randomUUID } from "node:crypto";
import { ACCOUNT_CLAIM, type Caller, SCOPE_OF } from "@orders/core/domain/caller";
import type { OrderMessage, OrderRecord } from "@orders/core/domain/order";
import { invocationContext } from "@orders/local/handlers";
import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from "aws-lambda";

let counter = 0;

/** An order id no other test uses. */
export function uniqueOrderId(prefix = "order"): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${randomUUID().slice(0, 8)}`;
}

/** A valid order as a channel sends it, like the seed's example. */
export function anOrder(overrides: Record<string, unknown> = {}): Record<string, unknown> & { id: string } {
  return {
    id: uniqueOrderId(),
    amount: 2580,
    fromAccount: "1111111",
    toAccount: "7777777",
    channel: "web",
    ...overrides,
  } as Record<string, unknown> & { id: string };
}

/** The message `POST /orders` puts on the queue for `order`. */
export function anOrderMessage(
  order: Record<string, unknown> & { id: string } = anOrder(),
  overrides: Partial<OrderMessage> = {},
): OrderMessage {
  return {
    submissionId: randomUUID(),
    receivedAt: new Date().toISOString(),
    channel: "web",
    order,
    ...overrides,
  };
}

interface ApiEventInput {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  isBase64Encoded?: boolean;
  /** The caller whose verified token API Gateway's JWT authorizer would put in the request context; none by default. */
  caller?: Caller | null;
}

/** An operator, as tests call by default. */
export const TEST_OPERATOR: Caller = { kind: "operator", subject: "test-operator" };

/** The claims a verified token for `caller` carries, as the JWT authorizer passes them on. */
export function claimsOf(caller: Caller): Record<string, string> {
  return {
    sub: caller.subject,
    scope: SCOPE_OF[caller.kind],
    ...(caller.kind === "customer" ? { [ACCOUNT_CLAIM]: caller.account } : {}),
  };
}

/** An API Gateway HTTP API (payload 2.0) event. */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const { caller } = input;
  return {
    version: "2.0",
    routeKey: `${input.method} ${input.path}`,
    rawPath: input.path,
    rawQueryString: "",
    headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: "localhost",
      domainPrefix: "localhost",
      http: { method: input.method, path: input.path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" },
      requestId: randomUUID(),
      routeKey: `${input.method} ${input.path}`,
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(caller ? { authorizer: { jwt: { claims: claimsOf(caller), scopes: null } } } : {}),
    },
    isBase64Encoded: input.isBase64Encoded ?? false,
    ...(input.body === undefined ? {} : { body: input.body }),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
  };
}

/** A JSON POST event, by an operator's verified token unless `caller` says otherwise. */
export function postJson(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
  caller: Caller | null = TEST_OPERATOR,
): APIGatewayProxyEventV2 {
  return apiEvent({
    method: "POST",
    path,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
    caller: headers.authorization ? null : caller,
  });
}

/** One SQS record carrying `body`, received `receiveCount` times. */
export function sqsRecord(body: string, receiveCount = 1): SQSRecord {
  const messageId = randomUUID();
  return {
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: "local",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:OrdersQueue",
    awsRegion: "us-east-1",
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** A Lambda context, as the local runtime makes one. */
export function lambdaContext(functionName = "test"): Context {
  return invocationContext(functionName, 30);
}

/** An order with lines whose amount is their total, as a channel sends it. */
export function anOrderWithItems(
  items: { sku: string; quantity: number; unitPrice: number }[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { id: string } {
  const cents = items.reduce((sum, item) => sum + item.quantity * Math.round(item.unitPrice * 100), 0);
  return anOrder({ amount: cents / 100, items, ...overrides });
}

/** A valid original's record as the processor stores it, CONFIRMED, received at `receivedAt`. */
export function anOrderRecord(overrides: Partial<OrderRecord> = {}): OrderRecord {
  const orderId = overrides.orderId ?? uniqueOrderId();
  const receivedAt = overrides.receivedAt ?? new Date().toISOString();
  return {
    orderId,
    submissionId: randomUUID(),
    channel: "web",
    payload: JSON.stringify({ id: orderId, amount: 25.8, fromAccount: "1111111", toAccount: "7777777" }),
    amount: 25.8,
    fromAccount: "1111111",
    toAccount: "7777777",
    valid: true,
    isDuplicate: false,
    errors: [],
    status: "CONFIRMED",
    s3Key: `orders/${orderId}.json`,
    amountCents: 2580,
    lines: [],
    receivedAt,
    processedAt: receivedAt,
    resolvedAt: receivedAt,
    ...overrides,
  };
}
