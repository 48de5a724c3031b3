export { api } from "./api.ts";
export { adminToken, config, dlq, queue } from "./queues.ts";
export { bucket, table } from "./storage.ts";
