import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import { handler } from "@orders/functions/admin/consistency-report";
import { linked } from "@orders/harness/linked-resources";
import { describe, expect, it } from "vitest";
import { adminGet, bodyOf } from "../../helpers/admin-routes.ts";
import { mockedClients } from "../../helpers/mocked-clients.ts";

const { s3 } = mockedClients({ s3: S3Client });

const get = adminGet(handler, "/admin/consistency-audit", "consistency-report");
/** A GetObject answer as the SDK gives it: a body that reads as a string. */
const object = (value: unknown) => ({ Body: { transformToString: async () => JSON.stringify(value) } }) as never;

const REPORT_KEY = "reports/consistency/2026-12-02T01-00-00.000Z.json";
const report = {
  at: "2026-12-02T01:00:00.000Z",
  skus: 4,
  accounts: 4,
  money: { depositsCents: 1_000_000, balancesAndHoldsCents: 999_900 },
  inconsistencies: [
    { kind: "money", id: "all accounts", check: "Σ balance + held = Σ deposits", expected: 1_000_000, actual: 999_900 },
  ],
  key: REPORT_KEY,
};

describe("GET /admin/consistency-audit handler", () => {
  it("answers the report the latest pointer names, from the orders bucket", async () => {
    // Arrange
    s3.on(GetObjectCommand, { Key: "reports/consistency/latest.json" }).resolves(
      object({ key: REPORT_KEY, at: report.at }),
    );
    s3.on(GetObjectCommand, { Key: REPORT_KEY }).resolves(object(report));
    // Act
    const response = await get();
    // Assert
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual(report);
    expect(response.headers?.["cache-control"]).toBe("no-store");
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: linked.OrdersBucket.name, Key: REPORT_KEY });
  });

  it("is 404 REPORT_NOT_FOUND before the first audit", async () => {
    // Arrange
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: "The specified key does not exist.", $metadata: {} }));
    // Act
    const response = await get();
    // Assert
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toMatchObject({ error: "REPORT_NOT_FOUND" });
  });

  it("is 503 BUCKET_UNAVAILABLE when S3 fails, saying nothing of why", async () => {
    // Arrange
    s3.on(GetObjectCommand).rejects(new Error("connect ECONNREFUSED secret-host"));
    // Act
    const response = await get();
    // Assert
    expect(response.statusCode).toBe(503);
    expect(bodyOf(response).error).toBe("BUCKET_UNAVAILABLE");
    expect(response.body).not.toContain("secret-host");
  });

  it("is 401 without the admin token, before S3 is asked", async () => {
    // Act
    const response = await get({});
    // Assert
    expect(response.statusCode).toBe(401);
    expect(s3).not.toHaveReceivedCommand(GetObjectCommand);
  });
});
