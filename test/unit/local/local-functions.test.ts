import { describe, expect, it } from "vitest";
import { routes } from "../../../infra/manifest.ts";
import { routeFunctionName } from "../../../packages/local/src/local-functions.ts";

describe("the local name of a route's function", () => {
  it("is Lambda-safe and readable", () => {
    // Arrange
    const route = { method: "POST", path: "/admin/dlq/{id}/dry-run" } as (typeof routes)[number];

    // Act
    const name = routeFunctionName(route);

    // Assert
    expect(name).toBe("ApiPostAdminDlqIdDryRun");
  });

  it("is distinct for every route of the manifest, and within Lambda's 64 characters", () => {
    // Act
    const names = routes.map(routeFunctionName);

    // Assert
    expect(new Set(names).size).toBe(routes.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});
