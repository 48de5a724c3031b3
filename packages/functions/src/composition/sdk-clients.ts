import { s3Client } from "./bucket.ts";
import { sqsClient } from "./queues.ts";
import { dynamoClient } from "./table.ts";
import { snsClient } from "./topic.ts";

/**
 * The SDK clients every adapter shares, for a host (the local runtime, a test
 * harness, the benchmark) to add SDK middleware such as fault injection,
 * without any branch in handler code. Handlers never import this module.
 */
export const sdkClients = () => ({ dynamo: dynamoClient(), s3: s3Client(), sqs: sqsClient(), sns: snsClient() });
