/**
 * This app's manifest, matched to the resources SST registered for it.
 */

import { type BuildRecord, type Graph, type RegisteredResource, TYPES } from "@orders/harness/preview/graph";
import {
  type FunctionSpec,
  type LinkName,
  type RouteSpec,
  routes,
  type ScheduleSpec,
  type SubscriptionSpec,
  schedules,
  subscriptions,
} from "../../infra/manifest.ts";

/** The manifest's function tables: the real one by default, or a mutated copy a test makes. */
export interface Manifest {
  routes: readonly RouteSpec[];
  subscriptions: readonly SubscriptionSpec[];
  schedules: readonly ScheduleSpec[];
}

/** How the manifest names it (`GET /orders/{id}`, `OrdersProcessor`, `SagaSweeper`), and what it is. */
export type DeclaredFunction =
  | { label: string; kind: "route"; spec: RouteSpec }
  | { label: string; kind: "subscription"; spec: SubscriptionSpec }
  | { label: string; kind: "schedule"; spec: ScheduleSpec };

/** Every function the manifest declares: routes, queue subscriptions, schedules. */
export function declaredFunctions(manifest: Manifest = { routes, subscriptions, schedules }): DeclaredFunction[] {
  return [
    ...manifest.routes.map((route) => ({
      label: `${route.method} ${route.path}`,
      kind: "route" as const,
      spec: route,
    })),
    ...manifest.subscriptions.map((spec) => ({ label: spec.name, kind: "subscription" as const, spec })),
    ...manifest.schedules.map((spec) => ({ label: spec.name, kind: "schedule" as const, spec })),
  ];
}

export interface DeployedFunction {
  build: BuildRecord;
  fn: RegisteredResource;
  role: RegisteredResource;
}

/** The function SST built for a manifest entry's handler, with its Lambda function and role. */
export function deployedFunction(graph: Graph, spec: FunctionSpec): DeployedFunction {
  const builds = graph.synth.builds.filter((build) => build.handler === spec.handler);
  if (builds.length !== 1) throw new Error(`${builds.length} functions built for ${spec.handler}`);
  const build = builds[0] as BuildRecord;
  return {
    build,
    fn: graph.one(TYPES.function, `${build.functionID}Function`),
    role: graph.one(TYPES.role, `${build.functionID}Role`),
  };
}

const LINKED_TYPES: string[] = [TYPES.table, TYPES.bucket, TYPES.queue, TYPES.topic];

/** The ARNs of the AWS resources behind a link name (none for a Linkable of settings or a Secret). */
export function linkedArns(graph: Graph, link: LinkName): string[] {
  return graph.custom
    .filter((resource) => resource.options.parent === link && LINKED_TYPES.includes(resource.type))
    .map((resource) => resource.state.arn as string);
}
