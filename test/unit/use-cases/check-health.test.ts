import { checkHealth } from "@orders/core/use-cases/check-health";
import { describe, expect, it } from "vitest";
import { failing, InMemoryOrderArchive, InMemoryOrderQueue, InMemoryOrderRepository } from "../../helpers/fakes.ts";

function deps() {
  const queue = new InMemoryOrderQueue();
  return {
    repository: new InMemoryOrderRepository(),
    archive: new InMemoryOrderArchive(),
    queue,
    deadLetters: queue,
  };
}

describe("checkHealth", () => {
  it("is ok when every dependency answers, each only up or down", async () => {
    const report = await checkHealth(deps());
    expect(report).toEqual({
      status: "ok",
      checks: { table: "ok", bucket: "ok", queue: "ok", dlq: "ok" },
      failing: [],
    });
  });

  it("never says how deep the DLQ is: the report is public (#16)", async () => {
    // Arrange: three dead letters.
    const healthy = deps();
    const deadLetters = { ...healthy.deadLetters, depth: async () => 3 };
    // Act
    const report = await checkHealth({ ...healthy, deadLetters: deadLetters as never });
    // Assert
    expect(report.checks.dlq).toBe("ok");
    expect(JSON.stringify(report)).not.toMatch(/depth|3/);
  });

  it("counts a DLQ that cannot be read as failing", async () => {
    const healthy = deps();
    const report = await checkHealth({
      ...healthy,
      deadLetters: failing(healthy.deadLetters, "depth", new Error("x")),
    });
    expect(report).toMatchObject({ status: "error", checks: { dlq: "error" }, failing: ["dlq"] });
  });

  it("names the failing check and hides why", async () => {
    const healthy = deps();
    const report = await checkHealth({ ...healthy, archive: failing(healthy.archive, "ping", new Error("secret")) });
    expect(report.status).toBe("error");
    expect(report.failing).toEqual(["bucket"]);
    expect(JSON.stringify(report)).not.toContain("secret");
  });

  it("fails a check that hangs", async () => {
    const healthy = deps();
    const hanging = { ...healthy.repository, ping: () => new Promise<void>(() => undefined) };
    const report = await checkHealth({ ...healthy, repository: hanging as never, timeoutMs: 20 });
    expect(report.failing).toEqual(["table"]);
  });
});
