import type { TestProject } from "vitest/node";
import { startEmulators } from "../../packages/local/src/emulators.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Which DynamoDB emulator serves `dynamoEndpoint`: the tier runs once on each. */
    dynamoBackend: "dynalite" | "moto";
    sqsS3Endpoint: string;
    dynamoEndpoint: string;
  }
}

/** One pair of in-memory emulators on free loopback ports for the whole tier. */
export default async function setup(project: TestProject) {
  const emulators = await startEmulators({ sqsS3Port: 0, dynamoPort: 0 });
  project.provide("sqsS3Endpoint", emulators.sqsS3Endpoint);
  project.provide("dynamoEndpoint", emulators.dynamoEndpoint);
  project.provide("dynamoBackend", "dynalite");
  return () => emulators.stop();
}
