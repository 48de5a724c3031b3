import { SearchQuerySchema } from "@orders/core/domain/order-search";
import * as z from "zod/mini";
import { ListedOrderSchema } from "../contract.ts";
import { answer, error } from "./answers.ts";
import { operation } from "./operation.ts";
import { jsonContent, queryParameters } from "./schemas.ts";

/** `GET /admin/orders`'s body. */
export const OrderSearchSchema = z
  .object({
    from: z.iso.datetime().register(z.globalRegistry, { description: "The window's start, as read (inclusive)" }),
    to: z.iso.datetime().register(z.globalRegistry, { description: "The window's end, as read (exclusive)" }),
    orders: z.array(ListedOrderSchema).register(z.globalRegistry, { description: "Newest first (by receivedAt)" }),
    cursor: z.optional(
      z.string().register(z.globalRegistry, {
        description:
          "Pass it back as ?cursor= (with the same status) for the next page; absent on the last. A page may hold " +
          "fewer than limit orders (even none) and still have one when a status filter skipped many",
      }),
    ),
  })
  .register(z.globalRegistry, { id: "OrderSearch" });

/** The operators' search across every account's orders. */
export const searchPaths = {
  "/admin/orders": {
    get: operation({
      operationId: "searchOrders",
      summary: "Every account's orders received in a window (the last day by default, at most a week), newest first",
      access: "operator",
      parameters: queryParameters(SearchQuerySchema, {
        status: "Only orders with this status",
        from: "The window's start (inclusive), ISO 8601 UTC; a day before `to` by default",
        to: "The window's end (exclusive), ISO 8601 UTC; now by default",
        cursor: "The previous page's cursor, for the same status and window",
      }),
      dependency: "the table",
      responses: {
        "200": answer("A page of orders", jsonContent(OrderSearchSchema)),
        "400": error("Malformed query, a window over a week or ending before it starts, or another search's cursor"),
      },
    }),
  },
};
