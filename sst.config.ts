/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    return {
      name: "orders",
      removal: input?.stage === "production" ? "retain" : "remove",
      protect: input?.stage === "production",
      home: "aws",
    };
  },
  async run() {
    const infra = await import("./infra/index.ts");
    return {
      api: infra.api.url,
      table: infra.table.name,
      bucket: infra.bucket.name,
      queue: infra.queue.url,
      dlq: infra.dlq.url,
    };
  },
});
