import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { GetTraceSummariesCommand, XRayClient } from "@aws-sdk/client-xray";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { routes } from "../../../infra/manifest.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";
import { storedAccount } from "../../helpers/stored-items.ts";

const { dynamo, s3, sqs, xray, cloudwatch } = mockedClients({
  dynamo: DynamoDBDocumentClient,
  s3: S3Client,
  sqs: SQSClient,
  xray: XRayClient,
  cloudwatch: CloudWatchClient,
});

beforeEach(() => {
  dynamo.on(QueryCommand).resolves({ Items: [] });
  // Accounts exist once opened (an open reads the account back); skus and everything else are never found.
  dynamo.on(GetCommand).callsFake((input: { Key?: { pk?: string } }) => {
    const accountId = /^\$orders#accountId_(\d{7,20})$/.exec(input.Key?.pk ?? "")?.[1];
    return accountId ? { Item: storedAccount(accountId) } : {};
  });
  dynamo.on(PutCommand).resolves({});
  dynamo.on(UpdateCommand).resolves({});
  dynamo.on(BatchGetCommand).resolves({ Responses: {} });
  dynamo.on(ScanCommand).resolves({ Items: [] });
  s3.on(PutObjectCommand).resolves({});
  s3.on(HeadBucketCommand).resolves({});
  s3.on(HeadObjectCommand).resolves({});
  // No consistency report is stored: the latest report is a 404.
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: "no such key", $metadata: {} }));
  sqs.on(SendMessageCommand).resolves({ MessageId: "m" });
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "0" } });
  sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
  // X-Ray holds no trace: an order's trace is a 404.
  xray.on(GetTraceSummariesCommand).resolves({ TraceSummaries: [] });
  cloudwatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
});

type Handler = (event: APIGatewayProxyEventV2, context: unknown) => Promise<{ statusCode: number; body?: string }>;
const handlers = new Map<string, Handler>();
for (const route of routes) {
  const dot = route.handler.lastIndexOf(".");
  const module = await import(/* @vite-ignore */ `../../../${route.handler.slice(0, dot)}.ts`);
  handlers.set(`${route.method} ${route.path}`, module[route.handler.slice(dot + 1)]);
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "../../etc/passwd",
    "a/b",
    "%2e%2e%2f",
    "\u0000",
    "x".repeat(10_000),
    "ñandú",
    "<script>",
    "' OR 1=1",
    "1111111",
    "KB-01",
  ),
  fc.stringMatching(SAFE_ID),
);
const jsonish = fc.oneof(
  fc.json(),
  fc.string(),
  fc.constantFrom("NaN", "1e400", '{"id":"a","amount":1e400}', '{"__proto__":{"x":1}}', "null", "[]", '{"id":null}'),
  fc.record({ id: nasty, amount: fc.oneof(fc.double(), fc.string(), fc.constant(null)) }).map((o) => JSON.stringify(o)),
  fc.record({ onHand: fc.oneof(fc.integer(), fc.double(), fc.string()) }).map((o) => JSON.stringify(o)),
  fc
    .record({ amount: fc.oneof(fc.double(), fc.integer({ min: 1, max: 1e6 })), reference: nasty })
    .map((o) => JSON.stringify(o)),
  fc.record({ url: fc.oneof(fc.webUrl({ validSchemes: ["https", "http"] }), nasty) }).map((o) => JSON.stringify(o)),
);
const contentType = fc.constantFrom(
  "application/json",
  "text/plain",
  "application/json; charset=utf-8",
  "",
  "application/x-www-form-urlencoded",
  "application/vnd.api+json",
);
const token = fc.constantFrom(
  `Bearer ${linked.AdminToken.value}`,
  "Bearer wrong",
  "",
  "Basic abc",
  `Bearer ${linked.AdminToken.value} extra`,
);

const requests = fc.record({
  route: fc.constantFrom(...routes),
  id: nasty,
  body: fc.option(jsonish, { nil: undefined }),
  contentType,
  channel: fc.option(nasty, { nil: undefined }),
  authorization: token,
  query: fc.dictionary(fc.constantFrom("reason", "limit", "cursor", "x"), nasty, { maxKeys: 3 }),
  base64: fc.boolean(),
});

/** Every partition key value and S3 key our code sent during one request. */
function keysSent(): { dynamo: string[]; s3: string[] } {
  const partitionKeys: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string" && value.startsWith("$orders")) partitionKeys.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  for (const call of dynamo.calls()) collect(call.args[0].input);
  const objectKeys = s3
    .calls()
    .map((call) => (call.args[0].input as { Key?: string }).Key)
    .filter((key): key is string => key !== undefined);
  return { dynamo: partitionKeys, s3: objectKeys };
}

// A bare `#sku_` or `#accountId_` is the prefix the consistency audit's scan filters on.
// An archived ledger entry or reservation is keyed by its account or sku and its transfer id or marker key.
// The search's index partition is an hour of a validated time.
const WELL_FORMED_PK =
  /^\$orders(#receivedHour_\d{4}-\d\d-\d\dT\d\d|#orderId_[A-Za-z0-9._:-]{1,64}|#messageKey_(submission:[0-9a-f-]{36}|body:[0-9a-f]{64})|#sku_([A-Za-z0-9._-]{1,64}(#markerKey_m[0-9a-f]{32})?)?|#accountId_(\d{7,20}(#transferId_(order|refund|deposit):[A-Za-z0-9._:-]{1,64})?)?)?$/;
const WELL_FORMED_S3_KEY = /^(orders\/[A-Za-z0-9._:-]{1,64}|reports\/consistency\/([0-9T.Z-]+|latest))\.json$/;

describe("hostile input on every route", () => {
  it("answers a 2xx or a 4xx with a JSON error, never a 500, never a raw key from unvalidated input", async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        dynamo.resetHistory();
        s3.resetHistory();
        const parameterNames = [...request.route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
        const path = request.route.path.replace(/\{\w+\}/g, encodeURIComponent(request.id));
        const headers: Record<string, string> = { authorization: request.authorization };
        if (request.contentType) headers["content-type"] = request.contentType;
        if (request.channel !== undefined) headers["x-channel"] = request.channel;
        const body =
          request.body === undefined
            ? undefined
            : request.base64
              ? Buffer.from(request.body).toString("base64")
              : request.body;
        const event = {
          ...apiEvent({
            method: request.route.method,
            path,
            headers,
            isBase64Encoded: request.base64,
            ...(body === undefined ? {} : { body }),
          }),
          ...(parameterNames.length
            ? { pathParameters: Object.fromEntries(parameterNames.map((name) => [name, request.id])) }
            : {}),
          queryStringParameters: request.query,
        };
        const handler = handlers.get(`${request.route.method} ${request.route.path}`) as Handler;
        const response = await handler(event, lambdaContext());

        expect(response.statusCode, path).toBeLessThan(500);
        if (response.statusCode >= 400) {
          const parsed = JSON.parse(response.body ?? "null");
          expect(parsed).toMatchObject({ error: expect.any(String), message: expect.any(String) });
          expect(response.body).not.toMatch(/at .+\.(ts|js):\d+/); // no stack traces
        }
        // A value reaches a key only once it passed the id rules.
        const keys = keysSent();
        for (const key of keys.dynamo) expect(key).toMatch(WELL_FORMED_PK);
        for (const key of keys.s3) expect(key).toMatch(WELL_FORMED_S3_KEY);
      }),
      { numRuns: 300 },
    );
  });
});

describe("cases the fuzzer found", () => {
  it.each([
    " ",
    "not-base64-json",
    Buffer.from(JSON.stringify({ pk: "$orders#orderId_x", sk: "y" })).toString("base64url"),
  ])("answers a malformed audit cursor %j with 400, not 503", async (cursor) => {
    const handler = handlers.get("GET /admin/audit") as Handler;
    const event = {
      ...apiEvent({
        method: "GET",
        path: "/admin/audit",
        headers: { authorization: `Bearer ${linked.AdminToken.value}` },
      }),
      queryStringParameters: { cursor },
    };
    const response = await handler(event, lambdaContext());
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? "null").error).toBe("INVALID_INPUT");
  });
});

describe("every handler checks its caller itself, as the manifest's access says (#16)", () => {
  const customer = { kind: "customer", subject: "mallory", account: "2222222" } as const;
  const channel = { kind: "channel", subject: "some-shop" } as const;
  const eventFor = (route: (typeof routes)[number], caller: Parameters<typeof apiEvent>[0]["caller"]) => ({
    ...apiEvent({ method: route.method, path: route.path, caller }),
    pathParameters: Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], "1111111"])),
  });

  it.each(routes.filter((route) => route.access !== "public").map((route) => [`${route.method} ${route.path}`, route]))(
    "%s: 401 with no credential at all, even if the gateway let one through",
    async (key, route) => {
      const response = await (handlers.get(key) as Handler)(eventFor(route, null), lambdaContext());
      expect(response.statusCode).toBe(401);
    },
  );

  it.each(
    routes.filter((route) => route.access === "operator").map((route) => [`${route.method} ${route.path}`, route]),
  )("%s: 403 for a customer's or a channel's verified token", async (key, route) => {
    for (const caller of [customer, channel]) {
      const response = await (handlers.get(key) as Handler)(eventFor(route, caller), lambdaContext());
      expect(response.statusCode, caller.kind).toBe(403);
    }
  });

  // What each caller route must answer a customer of 2222222 about account 1111111: the payer rule for a submission,
  // the missing order's 404 (get-order.test.ts seeds an order for the stranger case), and for the account routes the
  // missing account's 404, decided before any read of the table.
  const refusals: Record<string, { status: number; error: string }> = {
    "POST /orders": { status: 403, error: "FORBIDDEN" },
    "GET /orders/{id}": { status: 404, error: "ORDER_NOT_FOUND" },
    "GET /accounts/{id}": { status: 404, error: "ACCOUNT_NOT_FOUND" },
    "GET /accounts/{id}/orders": { status: 404, error: "ACCOUNT_NOT_FOUND" },
    "GET /accounts/{id}/entries": { status: 404, error: "ACCOUNT_NOT_FOUND" },
    "GET /accounts/{id}/webhook": { status: 404, error: "ACCOUNT_NOT_FOUND" },
  };

  it("has a refusal written for every caller route", () => {
    const callerRoutes = routes.filter((route) => route.access === "caller").map((r) => `${r.method} ${r.path}`);
    expect(callerRoutes.sort()).toEqual(Object.keys(refusals).sort());
  });

  it.each(routes.filter((route) => route.access === "caller").map((route) => [`${route.method} ${route.path}`, route]))(
    "%s: lets a customer's token in, and shows it nothing of account 1111111 it does not own",
    async (key, route) => {
      dynamo.resetHistory();
      const order = { id: "2222222-x", amount: 1, fromAccount: "1111111", toAccount: "2222222" };
      const event = {
        ...eventFor(route, customer),
        ...(route.method === "POST"
          ? { body: JSON.stringify(order), headers: { "content-type": "application/json" } }
          : {}),
      };
      const response = await (handlers.get(key) as Handler)(event, lambdaContext());
      const expected = refusals[key];
      expect(response.statusCode).toBe(expected?.status);
      expect(JSON.parse(response.body ?? "null").error).toBe(expected?.error);
      if (key.startsWith("GET /accounts/")) expect(dynamo.calls()).toHaveLength(0);
    },
  );
});
