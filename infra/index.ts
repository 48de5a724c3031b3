export { dashboard } from "./alarms.ts";
export { api } from "./api.ts";
export {
  adminToken,
  config,
  dlq,
  notificationsDlq,
  notificationsQueue,
  notifier,
  orderEvents,
  processor,
  queue,
} from "./queues.ts";
export { crons } from "./schedules.ts";
export { bucket, table } from "./storage.ts";
