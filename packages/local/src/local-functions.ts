import type { FunctionSpec, RouteSpec } from "@orders/infra/manifest";

/** A function of the manifest, under the name the local runtime gives it. */
export interface LocalFunction {
  name: string;
  spec: FunctionSpec;
}

/**
 * A route's function name, Lambda-safe and readable, e.g.
 * `GET /orders/{id}` → `ApiGetOrdersId` (routes have no logical name in the manifest).
 */
export function routeFunctionName(route: RouteSpec): string {
  const words = [route.method, ...route.path.split(/[^A-Za-z0-9]+/)].filter(Boolean);
  return `Api${words.map((word) => word[0]?.toUpperCase() + word.slice(1).toLowerCase()).join("")}`;
}
