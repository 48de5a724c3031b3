/**
 * This app's manifest, matched to the resources SST registered for it.
 */

import { type BuildRecord, type Graph, type RegisteredResource, TYPES } from "@orders/harness/preview/graph";
import { type FunctionSpec, type LinkName, routes, schedules, subscriptions } from "../../infra/manifest.ts";

export interface DeclaredFunction {
  /** How the manifest names it: `GET /orders/{id}`, `OrdersProcessor`, `SagaSweeper`. */
  label: string;
  spec: FunctionSpec;
}

/** Every function the manifest declares: routes, queue subscriptions, schedules. */
export function declaredFunctions(): DeclaredFunction[] {
  return [
    ...routes.map((route) => ({ label: `${route.method} ${route.path}`, spec: route })),
    ...subscriptions.map((subscription) => ({ label: subscription.name, spec: subscription })),
    ...schedules.map((schedule) => ({ label: schedule.name, spec: schedule })),
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
