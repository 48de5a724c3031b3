import { DiscardRequestSchema, EditRequestSchema, RedriveRequestSchema } from "@orders/core/domain/admin";
import { ACCOUNT_CLAIM, SCOPE_OF } from "@orders/core/domain/caller";
import { DEFAULT_ENTRIES_LIMIT, MAX_ENTRIES_LIMIT } from "@orders/core/domain/entry-listing";
import {
  DEFAULT_LISTING_LIMIT,
  LISTED_STATUSES,
  LISTING_ROLES,
  MAX_LISTING_LIMIT,
} from "@orders/core/domain/order-listing";
import { ACCOUNT_PATTERN, SKU_PATTERN } from "@orders/core/domain/validation";
import * as z from "zod/mini";
import {
  AccountEntriesSchema,
  AccountOrdersSchema,
  AccountSchema,
  CancelAnswerSchema,
  CancelBodySchema,
  ConsistencyReportSchema,
  DeadLetterDepthSchema,
  DepositBodySchema,
  ErrorBodySchema,
  HealthSchema,
  OrderLookupSchema,
  SetStockBodySchema,
  SetWebhookBodySchema,
  StockLevelSchema,
  SubmitAcceptedSchema,
  SubmitOrderBodySchema,
  WebhookSecretSchema,
} from "./contract.ts";

// Importing the schemas registers them (with their ids) in zod's global registry.
void [
  AccountOrdersSchema,
  AccountEntriesSchema,
  SubmitOrderBodySchema,
  SubmitAcceptedSchema,
  OrderLookupSchema,
  HealthSchema,
  ErrorBodySchema,
  StockLevelSchema,
  AccountSchema,
  SetStockBodySchema,
  DepositBodySchema,
  CancelAnswerSchema,
  CancelBodySchema,
  SetWebhookBodySchema,
  WebhookSecretSchema,
  ConsistencyReportSchema,
  DeadLetterDepthSchema,
];

// The DLQ admin API's request bodies, named for the document (the core's schemas stay unregistered).
for (const [schema, id] of [
  [RedriveRequestSchema, "RedriveRequest"],
  [EditRequestSchema, "EditRequest"],
  [DiscardRequestSchema, "DiscardRequest"],
] as const) {
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });
}

const ref = (schema: z.ZodMiniType) => ({ $ref: `#/components/schemas/${z.globalRegistry.get(schema)?.id}` });
const jsonContent = (schema: z.ZodMiniType) => ({ "application/json": { schema: ref(schema) } });
const error = (description: string) => ({ description, content: jsonContent(ErrorBodySchema) });

/**
 * Who may call: a caller's JWT (a customer, channel or operator; operators
 * only where the route needs the operator scope), or the static admin token,
 * which stands for an operator (locally; deployed, API Gateway takes JWTs only).
 */
const callerSecurity = [{ callerToken: [] }, { adminToken: [] }];
const operatorSecurity = [{ callerToken: [SCOPE_OF.operator] }, { adminToken: [] }];
const authRefusals = {
  "401": error("UNAUTHORIZED: no bearer token, or one that is invalid or expired"),
  "403": error("FORBIDDEN: the token names no caller, or a caller who may not do this"),
};

/** What every admin route shares: an operator's token, and the answers of the auth and the table. */
const adminOperation = (
  summary: string,
  responses: Record<string, unknown>,
  requestBody?: z.ZodMiniType,
  security = operatorSecurity,
) => ({
  summary,
  security,
  ...(requestBody ? { requestBody: { required: true, content: jsonContent(requestBody) } } : {}),
  responses: {
    ...responses,
    ...authRefusals,
    "503": error("The table is unavailable; retry"),
  },
});
/** A route any caller may call for its own account (an operator for any): others get the 404 of a missing account. */
const ownerOperation = (summary: string, responses: Record<string, unknown>) =>
  adminOperation(summary, responses, undefined, callerSecurity);
const skuParameter = {
  name: "sku",
  in: "path",
  required: true,
  schema: { type: "string", pattern: SKU_PATTERN.source },
};
const accountParameter = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string", pattern: ACCOUNT_PATTERN.source },
};
const bodyRefusals = {
  "413": error("Body over 256 KB"),
  "415": error("Content-Type is not application/json"),
};

/** The OpenAPI 3.1 document of the public API, built from the zod schemas. */
export function openApiDocument() {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  const components = Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _, id: __, ...schema }]) => [id, schema]),
  );
  return withThrottling({
    openapi: "3.1.0",
    info: {
      title: "orders",
      version: "1.0.0",
      description: "Submit orders for asynchronous processing and read back what became of them.",
    },
    paths: {
      "/orders": {
        post: {
          summary: "Submit an order",
          parameters: [
            {
              name: "X-Channel",
              in: "header",
              required: false,
              schema: { type: "string", enum: ["web", "mobile", "atm", "api"] },
            },
          ],
          security: callerSecurity,
          requestBody: { required: true, content: jsonContent(SubmitOrderBodySchema) },
          responses: {
            ...authRefusals,
            "202": {
              description: "Queued for processing",
              headers: { Location: { schema: { type: "string" } } },
              content: jsonContent(SubmitAcceptedSchema),
            },
            "400": error("Not JSON, not an object, or a missing or malformed id"),
            "413": error("Body over 64 KB"),
            "415": error("Content-Type is not application/json"),
            "503": error("The queue is unavailable; retry"),
          },
        },
      },
      "/orders/{id}": {
        get: {
          summary: "Read an order, its duplicates and its archived JSON",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,64}$" } },
          ],
          security: callerSecurity,
          responses: {
            "200": { description: "The order, as much as the caller may see", content: jsonContent(OrderLookupSchema) },
            "400": error("Malformed id"),
            ...authRefusals,
            "404": error("Not processed yet (it may still be queued), or not the caller's to see: the same answer"),
            "503": error("A dependency is unavailable; retry"),
          },
        },
      },
      "/health": {
        get: {
          summary: "Check the table, bucket, queue and dead-letter queue: each up or down, never a depth",
          responses: {
            "200": { description: "Healthy", content: jsonContent(HealthSchema) },
            "503": { description: "A check failed", content: jsonContent(HealthSchema) },
          },
        },
      },
      "/console": {
        get: {
          summary: "The DLQ console (HTML); its calls to /admin/* need the admin bearer token",
          responses: { "200": { description: "The console page", content: { "text/html": {} } } },
        },
      },
      "/inventory/{sku}": {
        parameters: [skuParameter],
        put: adminOperation(
          "Set a sku's physical count (creating the sku)",
          {
            "200": { description: "The stock after the change", content: jsonContent(StockLevelSchema) },
            "400": error("Malformed sku or body"),
            "409": error("STOCK_BELOW_RESERVED: onHand would go below what is reserved"),
            ...bodyRefusals,
          },
          SetStockBodySchema,
        ),
        get: adminOperation("Read a sku's stock", {
          "200": { description: "The stock", content: jsonContent(StockLevelSchema) },
          "400": error("Malformed sku"),
          "404": error("STOCK_NOT_FOUND"),
        }),
      },
      "/accounts/{id}": {
        parameters: [accountParameter],
        put: adminOperation("Open an account (idempotent)", {
          "200": { description: "It already existed: unchanged", content: jsonContent(AccountSchema) },
          "201": { description: "Opened, with a zero balance", content: jsonContent(AccountSchema) },
          "400": error("Malformed account id"),
        }),
        get: ownerOperation("Read an account: balance, holds and the latest 10 ledger entries", {
          "200": { description: "The account", content: jsonContent(AccountSchema) },
          "400": error("Malformed account id"),
          "404": error("ACCOUNT_NOT_FOUND"),
        }),
      },
      "/accounts/{id}/orders": {
        parameters: [accountParameter],
        get: {
          ...ownerOperation("An account's orders as payer or payee, newest first, a page at a time", {
            "200": {
              description: "A page of orders; an account with no orders (or never opened) has an empty list",
              content: jsonContent(AccountOrdersSchema),
            },
            "400": error("Malformed account id or query parameter, or a cursor of another listing"),
          }),
          parameters: [
            {
              name: "role",
              in: "query",
              required: false,
              description: "payer (the order's fromAccount, the default) or payee (its toAccount)",
              schema: { type: "string", enum: [...LISTING_ROLES], default: "payer" },
            },
            {
              name: "status",
              in: "query",
              required: false,
              schema: { type: "string", enum: [...LISTED_STATUSES] },
            },
            {
              name: "limit",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 1, maximum: MAX_LISTING_LIMIT, default: DEFAULT_LISTING_LIMIT },
            },
            {
              name: "cursor",
              in: "query",
              required: false,
              description: "The previous page's cursor, for the same account, role and status",
              schema: { type: "string" },
            },
          ],
        },
      },
      "/accounts/{id}/entries": {
        parameters: [accountParameter],
        get: {
          ...ownerOperation("Every ledger entry of an account, newest first, a page at a time", {
            "200": { description: "A page of entries", content: jsonContent(AccountEntriesSchema) },
            "400": error("Malformed account id or query parameter, or a cursor of another account"),
            "404": error("ACCOUNT_NOT_FOUND"),
          }),
          parameters: [
            {
              name: "limit",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 1, maximum: MAX_ENTRIES_LIMIT, default: DEFAULT_ENTRIES_LIMIT },
            },
            {
              name: "cursor",
              in: "query",
              required: false,
              description: "The previous page's cursor, for the same account",
              schema: { type: "string" },
            },
          ],
        },
      },
      "/accounts/{id}/deposits": {
        parameters: [accountParameter],
        post: adminOperation(
          "Add funds, once per reference: repeating a reference changes nothing",
          {
            "200": { description: "The account after the deposit", content: jsonContent(AccountSchema) },
            "400": error("Malformed account id or body"),
            "404": error("ACCOUNT_NOT_FOUND"),
            ...bodyRefusals,
          },
          DepositBodySchema,
        ),
      },
      "/accounts/{id}/webhook": {
        parameters: [accountParameter],
        put: adminOperation(
          "Set where the account's order events are POSTed, with a new signing secret (setting it again rotates the secret)",
          {
            "200": {
              description: "The webhook and its secret: the only time the secret is shown",
              content: jsonContent(WebhookSecretSchema),
            },
            "400": error("Malformed account id or body"),
            "404": error("ACCOUNT_NOT_FOUND"),
            "422": error(
              "UNSAFE_WEBHOOK_URL: not https, a port other than 443, credentials in it, or a private, reserved or internal host",
            ),
            ...bodyRefusals,
          },
          SetWebhookBodySchema,
        ),
      },
      "/orders/{id}/cancel": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        post: adminOperation(
          "Cancel an order: a PENDING one is compensated, a CONFIRMED one refunded; asynchronous",
          {
            "202": { description: "CANCELLING: the cancellation is queued", content: jsonContent(CancelAnswerSchema) },
            "200": {
              description: "Already CANCELLING or CANCELLED: nothing changed",
              content: jsonContent(CancelAnswerSchema),
            },
            "400": error("Malformed id or body"),
            "404": error("ORDER_NOT_FOUND"),
            "409": error("ORDER_NOT_CANCELLABLE: the order is FAILED or REJECTED"),
            ...bodyRefusals,
          },
          CancelBodySchema,
        ),
      },
      "/orders/{id}/verify-consistency": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        post: adminOperation("Check an order against its reservations, ledger entries and archived JSON", {
          "200": {
            description: "{consistent, checks: [{name, ok, expected, actual}]}",
            content: { "application/json": { schema: { type: "object" } } },
          },
          "400": error("Malformed id"),
          "404": error("ORDER_NOT_FOUND"),
        }),
      },
      "/admin/consistency-audit": {
        post: adminOperation(
          "Audit every sku and account now (the hourly schedule runs the same); the report is kept in S3",
          {
            "200": { description: "The report, as stored", content: jsonContent(ConsistencyReportSchema) },
          },
        ),
        get: adminOperation("The latest consistency report, from the audit or the hourly schedule", {
          "200": { description: "The latest report, as stored", content: jsonContent(ConsistencyReportSchema) },
          "404": error("REPORT_NOT_FOUND: no audit has run yet"),
        }),
      },
      ...deadLetterPaths(),
      "/openapi.json": { get: { summary: "This document", responses: { "200": { description: "OpenAPI 3.1" } } } },
    },
    components: {
      schemas: components,
      securitySchemes: {
        callerToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "A JWT from the stage's issuer (deployed: API Gateway's JWT authorizer checks issuer, audience and expiry; " +
            `locally: npm run token). Its scope names the caller: ${SCOPE_OF.customer} (with an ${ACCOUNT_CLAIM} ` +
            `claim: the customer's account), ${SCOPE_OF.channel} or ${SCOPE_OF.operator}; sub names who it is`,
        },
        adminToken: {
          type: "http",
          scheme: "bearer",
          description: "The static admin token, ORDERS_ADMIN_TOKEN: an operator, locally only",
        },
      },
    },
  });
}

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch"]);

/**
 * Every route is throttled ([Limits] in the README): each operation may answer
 * 429, from the gateway before any function runs.
 */
function withThrottling<T extends { paths: Record<string, Record<string, unknown>> }>(document: T): T {
  for (const item of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const { responses } = operation as { responses: Record<string, unknown> };
      responses["429"] = {
        description:
          'Past the route\'s throttle. Locally RATE_LIMITED with Retry-After; deployed, API Gateway\'s own {"message":"Too Many Requests"}',
      };
    }
  }
  return document;
}

/** The DLQ admin API (see the README's "The admin API"): every operation behind the bearer token. */
function deadLetterPaths() {
  const messageParameter = {
    name: "id",
    in: "path",
    required: true,
    schema: { type: "string", pattern: "^[A-Za-z0-9-]{1,128}$" },
  };
  const anObject = (description: string) => ({
    description,
    content: { "application/json": { schema: { type: "object" } } },
  });
  const page = [
    { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 100 } },
    { name: "cursor", in: "query", required: false, schema: { type: "string" } },
  ];
  return {
    "/admin/dlq": {
      get: {
        ...adminOperation("The DLQ: depth, count per reason, and a page of messages with reasons, records and holds", {
          "200": anObject("{depth, reasons, messages, cursor?}"),
          "400": error("Malformed query"),
        }),
        parameters: [
          { name: "reason", in: "query", required: false, schema: { type: "string", pattern: "^[A-Z_]{1,64}$" } },
          ...page,
        ],
      },
    },
    "/admin/dlq/depth": {
      get: adminOperation("How many messages wait in the DLQ: one attribute read, no message received", {
        "200": { description: "The depth", content: jsonContent(DeadLetterDepthSchema) },
      }),
    },
    "/admin/dlq/redrive": {
      post: adminOperation(
        "Send messages back to OrdersQueue, then delete them: {ids} or {all: true}, at most 100 a call",
        {
          "200": anObject("{results: [{messageId, status: REDRIVEN|FAILED|NOT_FOUND, newMessageId?}]}"),
          "400": error("Malformed body"),
          ...bodyRefusals,
        },
        RedriveRequestSchema,
      ),
    },
    "/admin/dlq/{id}/edit": {
      parameters: [messageParameter],
      post: adminOperation(
        "Redrive an edited order (same submissionId), once the processor's rules accept it",
        {
          "200": anObject("The redriven message"),
          "404": error("DEAD_LETTER_NOT_FOUND"),
          "422": error("ORDER_REJECTED, with the reasons"),
          ...bodyRefusals,
        },
        EditRequestSchema,
      ),
    },
    "/admin/dlq/{id}/dry-run": {
      parameters: [messageParameter],
      post: adminOperation("What processing the message would do, changing nothing", {
        "200": anObject("The processor's verdict"),
        "404": error("DEAD_LETTER_NOT_FOUND"),
      }),
    },
    "/admin/dlq/{id}/discard": {
      parameters: [messageParameter],
      post: adminOperation(
        "Delete a message for good, keeping its body in the audit; a part-done saga is compensated first",
        { "200": anObject("{messageId, status: DISCARDED}"), "404": error("DEAD_LETTER_NOT_FOUND"), ...bodyRefusals },
        DiscardRequestSchema,
      ),
    },
    "/admin/audit": {
      get: {
        ...adminOperation("Every redrive, edit and discard, newest first", { "200": anObject("{entries, cursor?}") }),
        parameters: page,
      },
    },
  };
}
