import type { WebhookSender } from "@orders/core/ports";
import { currentTraceId } from "./tracing.ts";

/** The header of a webhook POST that names the order's trace, beside `orders-signature` and `orders-event-id`. */
export const TRACE_ID_HEADER = "orders-trace-id";

/**
 * A webhook sender whose POSTs carry the trace id of the work that sends them
 * (the order's), so that a receiver's logs and the order's trace meet.
 */
export function tracedWebhookSender(sender: WebhookSender): WebhookSender {
  return {
    post(url, body, headers) {
      const traceId = currentTraceId();
      return sender.post(url, body, traceId ? { ...headers, [TRACE_ID_HEADER]: traceId } : headers);
    },
  };
}
