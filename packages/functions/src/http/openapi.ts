import "./contract.ts";
import { accountPaths } from "./openapi/accounts.ts";
import { HEADERS } from "./openapi/answers.ts";
import { deadLetterPaths } from "./openapi/dead-letters.ts";
import { metricsPaths } from "./openapi/metrics.ts";
import { notificationPaths } from "./openapi/notifications.ts";
import { orderPaths } from "./openapi/orders.ts";
import { componentSchemas } from "./openapi/schemas.ts";
import { searchPaths } from "./openapi/search.ts";
import { securitySchemes } from "./openapi/security.ts";
import { sitePaths } from "./openapi/site.ts";
import { tracePaths } from "./openapi/traces.ts";

/**
 * The OpenAPI 3.1 document of the API, served at GET /openapi.json: the
 * schemas are the zod schemas the handlers validate with, and each group of
 * routes is described in its own file under openapi/.
 */
export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "orders",
      version: "1.0.0",
      description: "Submit orders for asynchronous processing and read back what became of them.",
    },
    // Relative: the document is served by the API it describes, deployed or under npm start.
    servers: [{ url: "/", description: "The API that serves this document" }],
    paths: {
      ...sitePaths,
      ...orderPaths,
      ...accountPaths,
      ...deadLetterPaths,
      ...notificationPaths,
      ...tracePaths,
      ...metricsPaths,
      ...searchPaths,
    },
    components: { schemas: componentSchemas(), headers: HEADERS, securitySchemes },
  };
}
