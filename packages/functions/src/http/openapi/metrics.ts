import { MetricsQuerySchema, OVERVIEW_COUNTS, OVERVIEW_QUEUES } from "@orders/core/domain/metrics-overview";
import * as z from "zod/mini";
import { answer, error } from "./answers.ts";
import { operation } from "./operation.ts";
import { jsonContent, queryParameters } from "./schemas.ts";

const perMinute = z.array(z.number());
const byName = <T extends readonly string[]>(names: T, series: z.ZodMiniType) =>
  z.object(Object.fromEntries(names.map((name) => [name, series])));

/** `GET /admin/metrics`'s body: one value a minute for every series, oldest first. */
export const MetricsOverviewSchema = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    periodSeconds: z.int(),
    minutes: z.array(z.iso.datetime()).register(z.globalRegistry, { description: "Each minute's start" }),
    counts: byName(OVERVIEW_COUNTS, perMinute).register(z.globalRegistry, {
      description: "Each count's sum in the minute, as the functions emit it (namespace orders)",
    }),
    throughput: perMinute.register(z.globalRegistry, { description: "Orders processed in the minute, any outcome" }),
    depths: byName(OVERVIEW_QUEUES, z.array(z.nullable(z.number()))).register(z.globalRegistry, {
      description: "Each DLQ's largest depth in the minute; null where none was read",
    }),
  })
  .register(z.globalRegistry, { id: "MetricsOverview" });

/** The console's overview: operators only. */
export const metricsPaths = {
  "/admin/metrics": {
    get: operation({
      operationId: "getMetricsOverview",
      summary:
        "The last `minutes` (5 to 180, 60 by default) of orders by outcome, throughput, notification failures and DLQ depth, a value a minute, from CloudWatch",
      access: "operator",
      parameters: queryParameters(MetricsQuerySchema, { minutes: "How many minutes, up to the current one" }),
      dependency: "CloudWatch",
      responses: {
        "200": answer("The series", jsonContent(MetricsOverviewSchema)),
        "400": error("Malformed query"),
      },
    }),
  },
};
