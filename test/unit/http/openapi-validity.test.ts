import {
  AccountNotFoundError,
  DeadLetterNotFoundError,
  type DomainError,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderRejectedError,
  ReportNotFoundError,
  StockBelowReservedError,
  StockNotFoundError,
  UnsafeWebhookUrlError,
  WebhookNotFoundError,
} from "@orders/core/domain/errors";
import { STATUS_BY_ERROR } from "@orders/functions/http/errors";
import { openApiDocument } from "@orders/functions/http/openapi";
import { validate } from "@readme/openapi-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { routes } from "../../../infra/manifest.ts";

type Operation = {
  operationId?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
  responses: Record<string, { headers?: Record<string, unknown> }>;
};
const document = openApiDocument();
const paths = document.paths as unknown as Record<string, Record<string, Operation>>;
const operationOf = (method: string, path: string) => paths[path]?.[method.toLowerCase()];
const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

type ErrorClass = abstract new (...args: never[]) => DomainError;
/**
 * What each route's handler may throw beyond what every route of its kind
 * may (the token's 401/403, a body's 400/413/415, AWS's 503, the 429):
 * written from the handlers and their use cases, mapped to statuses by the
 * one table in errors.ts.
 */
const THROWS: Record<string, ErrorClass[]> = {
  "POST /orders": [InvalidInputError, ForbiddenError, IdempotencyInProgressError, IdempotencyKeyReusedError],
  "GET /orders/{id}": [InvalidInputError],
  "POST /orders/{id}/cancel": [InvalidInputError, OrderNotFoundError, OrderNotCancellableError],
  "POST /orders/{id}/verify-consistency": [InvalidInputError, OrderNotFoundError],
  "PUT /inventory/{sku}": [InvalidInputError, StockBelowReservedError],
  "GET /inventory/{sku}": [InvalidInputError, StockNotFoundError],
  "PUT /accounts/{id}": [InvalidInputError],
  "GET /accounts/{id}": [InvalidInputError, AccountNotFoundError],
  "GET /accounts/{id}/orders": [InvalidInputError],
  "GET /accounts/{id}/entries": [InvalidInputError, AccountNotFoundError],
  "POST /accounts/{id}/deposits": [InvalidInputError, AccountNotFoundError],
  "PUT /accounts/{id}/webhook": [InvalidInputError, AccountNotFoundError, UnsafeWebhookUrlError],
  "GET /accounts/{id}/webhook": [InvalidInputError, AccountNotFoundError, WebhookNotFoundError],
  "GET /admin/dlq": [InvalidInputError],
  "POST /admin/dlq/{id}/edit": [InvalidInputError, DeadLetterNotFoundError, OrderRejectedError],
  "POST /admin/dlq/{id}/dry-run": [InvalidInputError, DeadLetterNotFoundError],
  "POST /admin/dlq/{id}/discard": [InvalidInputError, DeadLetterNotFoundError],
  "GET /admin/audit": [InvalidInputError],
  "GET /admin/notifications-dlq": [InvalidInputError],
  "GET /admin/consistency-audit": [ReportNotFoundError],
};
const statusOf = (type: ErrorClass) => STATUS_BY_ERROR.find(([mapped]) => mapped === type)?.[1];
/** Links that name an AWS resource a handler calls (a failure there is a DependencyError, 503). */
const AWS_LINKS = new Set([
  "OrdersTable",
  "OrdersBucket",
  "OrdersQueue",
  "OrdersDlq",
  "OrderEvents",
  "NotificationsQueue",
  "NotificationsDlq",
]);

describe("OpenAPI document: valid and complete (#17)", () => {
  it("validates under @readme/openapi-parser (OpenAPI 3.1 schema, $refs, path parameters, unique operationIds)", async () => {
    // Act: validate a copy (the parser dereferences in place).
    const result = await validate(structuredClone(document) as never);
    // Assert
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it("has component schemas that are valid JSON Schema 2020-12 (no $id with a fragment)", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(ajv.validateSchema(schema) ? [] : ajv.errors, name).toEqual([]);
      expect(schema, name).not.toHaveProperty("$id");
    }
  });

  it("names servers, and every operation has an operationId, unique across the document", () => {
    expect(document.servers.length).toBeGreaterThan(0);
    const ids = Object.values(paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("documents exactly the manifest's routes", () => {
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map(key).sort());
  });

  it.each(routes.map((route) => ({ route, label: key(route) })))(
    "$label documents every status its handler and its gateway can answer",
    ({ route }) => {
      const operation = operationOf(route.method, route.path);
      const documented = Object.keys(operation?.responses ?? {});
      const expected = new Set<number | undefined>([429, ...(THROWS[key(route)] ?? []).map(statusOf)]);
      if (route.access !== "public") for (const status of [401, 403]) expected.add(status);
      if (operation?.requestBody) for (const status of [400, 413, 415]) expected.add(status);
      if (route.access !== "public" && route.links.some((link) => AWS_LINKS.has(link))) expected.add(503);
      expect(expected.has(undefined)).toBe(false);
      expect(documented).toEqual(expect.arrayContaining([...expected].map(String)));
      // Retry-After wherever the answer carries it.
      for (const status of ["429", "503"]) {
        if (documented.includes(status) && route.access !== "public") {
          expect(operation?.responses[status]?.headers, `${key(route)} ${status}`).toHaveProperty("Retry-After");
        }
      }
    },
  );

  it("documents POST /orders' headers: Idempotency-Key and X-Channel in, Location and Idempotent-Replayed out", () => {
    const submit = operationOf("POST", "/orders");
    const headers = (submit?.parameters ?? []).filter((p) => p.in === "header").map((p) => p.name);
    expect(headers.sort()).toEqual(["Idempotency-Key", "X-Channel"]);
    expect(Object.keys(submit?.responses["202"]?.headers ?? {}).sort()).toEqual(["Idempotent-Replayed", "Location"]);
    expect(submit?.responses["409"]?.headers).toHaveProperty("Retry-After");
  });
});
