/** The largest order body accepted (POST /orders), in bytes. */
export const MAX_ORDER_BODY_BYTES = 64 * 1024;

/** Admin bodies are small: an order, a list of ids or a reason. */
export const MAX_ADMIN_BODY_BYTES = 256 * 1024;
