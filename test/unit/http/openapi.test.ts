import { OrderLookupSchema } from "@orders/functions/http/contract";
import { openApiDocument } from "@orders/functions/http/openapi";
import { describe, expect, it } from "vitest";
import { routes } from "../../../infra/manifest.ts";

const document = openApiDocument();
const schemas = document.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
/** The property names of a component schema, in order. */
const propertiesOf = (name: string) => Object.keys(schemas[name]?.properties ?? {});

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === "$ref" && typeof inner === "string" ? [inner] : refsIn(inner),
    );
  }
  return [];
}

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 and documents every route of the manifest, the admin API's included", () => {
    expect(document.openapi).toBe("3.1.0");
    for (const route of routes) {
      const path = document.paths[route.path as keyof typeof document.paths];
      expect(path, route.path).toBeDefined();
      expect(path).toHaveProperty(route.method.toLowerCase());
    }
  });

  it("declares each route's security as the manifest's access says: JWT callers, operators, or none", () => {
    expect(document.components.securitySchemes.adminToken).toMatchObject({ type: "http", scheme: "bearer" });
    expect(document.components.securitySchemes.callerToken).toMatchObject({ scheme: "bearer", bearerFormat: "JWT" });
    const expected = {
      public: undefined,
      caller: [{ callerToken: [] }, { adminToken: [] }],
      operator: [{ callerToken: ["orders:operator"] }, { adminToken: [] }],
    };
    for (const route of routes) {
      const paths = document.paths as unknown as Record<
        string,
        Record<string, { security?: unknown; responses: object }>
      >;
      const operation = paths[route.path]?.[route.method.toLowerCase()];
      const key = `${route.method} ${route.path}`;
      expect(operation?.security, key).toEqual(expected[route.access]);
      if (route.access !== "public") expect(Object.keys(operation?.responses ?? {}), key).toContain("403");
      // Every route is throttled, so every operation may answer 429.
      expect(Object.keys(operation?.responses ?? {}), key).toContain("429");
    }
  });

  it("documents the fulfilment routes' bodies, answers and the saga's part of an order", () => {
    const paths = document.paths as unknown as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(paths["/inventory/{sku}"]?.put?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "400", "401", "409"]),
    );
    expect(paths["/inventory/{sku}"]?.put?.requestBody).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/SetStockBody" } } },
    });
    expect(Object.keys(paths["/accounts/{id}"]?.put?.responses ?? {})).toEqual(
      expect.arrayContaining(["200", "201", "401"]),
    );
    expect(paths["/accounts/{id}/deposits"]?.post?.requestBody).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/DepositBody" } } },
    });
    expect(propertiesOf("StockLevel")).toEqual(["sku", "onHand", "reserved", "available", "updatedAt"]);
    expect(propertiesOf("Account")).toEqual(["accountId", "balance", "held", "available", "entries", "webhook"]);
    expect(schemas.WebhookView?.properties).not.toHaveProperty("secret");
    const webhook = paths["/accounts/{id}/webhook"]?.put;
    expect(webhook?.requestBody).toMatchObject({
      content: { "application/json": { schema: { $ref: "#/components/schemas/SetWebhookBody" } } },
    });
    expect(Object.keys(webhook?.responses ?? {})).toEqual(expect.arrayContaining(["200", "400", "401", "404", "422"]));
    expect(propertiesOf("WebhookSecret")).toEqual(["url", "secret", "previousSecretValidUntil"]);
    expect(schemas.OrderLookup?.properties).toHaveProperty("saga");
    expect(schemas.OrderView?.properties?.status).toMatchObject({
      enum: expect.arrayContaining(["PENDING", "CONFIRMED", "FAILED", "REJECTED", "DUPLICATE"]),
    });
  });

  it("documents the latest consistency report's read-back, with the audit's own report schema", () => {
    const paths = document.paths as unknown as Record<string, Record<string, Record<string, unknown>>>;
    const audit = paths["/admin/consistency-audit"];
    const report = { content: { "application/json": { schema: { $ref: "#/components/schemas/ConsistencyReport" } } } };
    expect(audit?.get?.responses).toMatchObject({ "200": report, "404": expect.anything(), "401": expect.anything() });
    expect(audit?.post?.responses).toMatchObject({ "200": report });
    expect(propertiesOf("ConsistencyReport")).toEqual([
      "at",
      "skus",
      "accounts",
      "money",
      "since",
      "inconsistencies",
      "key",
    ]);
  });

  it("resolves every $ref to a component", () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      const [kind, name] = ref.replace("#/components/", "").split("/") as [string, string];
      expect((document.components as Record<string, object>)[kind], ref).toHaveProperty(name);
    }
  });

  it("is generated from the zod schemas, so a schema change shows in it", () => {
    const lookup = document.components.schemas.OrderLookup as unknown as { required?: string[]; properties: object };
    expect(Object.keys(lookup.properties).sort()).toEqual(Object.keys(OrderLookupSchema.shape).sort());
    expect(lookup.required).toEqual(["sight", "order", "duplicates", "notifications"]);
    const submit = document.components.schemas.SubmitOrderBody as unknown as {
      properties: { id: { pattern: string } };
    };
    expect(submit.properties.id.pattern).toBe("^(?!\\.{1,2}$)[A-Za-z0-9._:-]{1,64}$");
  });
});
