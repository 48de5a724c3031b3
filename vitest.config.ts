import { defineConfig } from "vitest/config";

/** Three tiers, each a Vitest project: `npm test` runs them all. */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          setupFiles: ["packages/harness/src/linked-resources.ts", "aws-sdk-client-mock-vitest/extend"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration-moto",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/integration/global-setup-moto.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The real SST platform, run offline under Pulumi mocks for each README stage.
          name: "preview",
          include: ["test/preview/**/*.test.ts"],
          globalSetup: ["test/preview/global-setup.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
