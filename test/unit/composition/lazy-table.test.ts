import { describe, expect, it } from "vitest";
import { retriedOnFailure } from "../../../packages/functions/src/composition/lazy-table.ts";

describe("the rare paths' lazy load (retriedOnFailure)", () => {
  it("loads once for callers at the same time and keeps what loaded", async () => {
    // Arrange
    let loads = 0;
    const entities = retriedOnFailure(async () => ({ load: ++loads }));
    // Act
    const [first, second] = await Promise.all([entities(), entities()]);
    const later = await entities();
    // Assert
    expect([first, second, later]).toEqual([{ load: 1 }, { load: 1 }, { load: 1 }]);
    expect(loads).toBe(1);
  });

  it("keeps no failure: the next caller loads again, and the instance's rare paths work once it loads", async () => {
    // Arrange: the first load fails (a bad moment), the second works.
    let loads = 0;
    const entities = retriedOnFailure(async () => {
      loads += 1;
      if (loads === 1) throw new Error("could not load");
      return { load: loads };
    });
    // Act
    const failed = entities();
    // Assert
    await expect(failed).rejects.toThrow("could not load");
    await expect(entities()).resolves.toEqual({ load: 2 });
    await expect(entities()).resolves.toEqual({ load: 2 });
    expect(loads).toBe(2);
  });
});
