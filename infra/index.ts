export { api } from "./api.ts";
export { config, dlq, queue } from "./queues.ts";
export { bucket, table } from "./storage.ts";
