import { HealthSchema } from "../contract.ts";
import { answer } from "./answers.ts";
import { operation } from "./operation.ts";
import { jsonContent } from "./schemas.ts";

/** The public routes: the landing page, health, this document, its reference page and the console. */
export const sitePaths = {
  "/": {
    get: operation({
      operationId: "getLandingPage",
      summary: "A small page linking the console, the API reference, the health check and this document",
      access: "public",
      responses: { "200": answer("The landing page", "html") },
    }),
  },
  "/health": {
    get: operation({
      operationId: "getHealth",
      summary: "Check the table, bucket, queue and dead-letter queue: each up or down, never a depth",
      access: "public",
      responses: {
        "200": answer("Healthy", jsonContent(HealthSchema)),
        "503": answer("A check failed", jsonContent(HealthSchema)),
      },
    }),
  },
  "/openapi.json": {
    get: operation({
      operationId: "getOpenApiDocument",
      summary: "This document",
      access: "public",
      responses: { "200": answer("OpenAPI 3.1", "object") },
    }),
  },
  "/docs": {
    get: operation({
      operationId: "getApiReference",
      summary: "This document as a reference page (Swagger UI, served by the API itself: no CDN)",
      access: "public",
      responses: { "200": answer("The reference page", "html") },
    }),
  },
  "/console": {
    get: operation({
      operationId: "getConsole",
      summary: "The DLQ console (HTML); its calls to /admin/* need the admin bearer token",
      access: "public",
      responses: { "200": answer("The console page", "html") },
    }),
  },
};
