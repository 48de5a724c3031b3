import { AccountIdSchema, SkuSchema } from "@orders/core/domain/admin-inputs";
import { EntriesQuerySchema } from "@orders/core/domain/entry-listing";
import { ListingQuerySchema } from "@orders/core/domain/order-listing";
import { MAX_ADMIN_BODY_BYTES } from "../body-limits.ts";
import {
  AccountEntriesSchema,
  AccountOrdersSchema,
  AccountSchema,
  DepositBodySchema,
  SetStockBodySchema,
  SetWebhookBodySchema,
  StockLevelSchema,
  WebhookEndpointSchema,
  WebhookSecretSchema,
} from "../contract.ts";
import { answer, error } from "./answers.ts";
import { operation } from "./operation.ts";
import { jsonContent, pathParameter, queryParameters } from "./schemas.ts";

const accountId = pathParameter("id", AccountIdSchema);
const sku = pathParameter("sku", SkuSchema);
const adminBody = (schema: typeof DepositBodySchema | typeof SetStockBodySchema | typeof SetWebhookBodySchema) => ({
  schema,
  maxBytes: MAX_ADMIN_BODY_BYTES,
});
const TABLE = "the table";

/** Stock and accounts: operators set them; a customer reads its own account (others get a missing one's 404). */
export const accountPaths = {
  "/inventory/{sku}": {
    put: operation({
      operationId: "setStock",
      summary: "Set a sku's physical count (creating the sku)",
      access: "operator",
      parameters: [sku],
      body: adminBody(SetStockBodySchema),
      dependency: TABLE,
      responses: {
        "200": answer("The stock after the change", jsonContent(StockLevelSchema)),
        "400": error("Malformed sku or body"),
        "409": error("STOCK_BELOW_RESERVED: onHand would go below what is reserved"),
      },
    }),
    get: operation({
      operationId: "getStock",
      summary: "Read a sku's stock",
      access: "operator",
      parameters: [sku],
      dependency: TABLE,
      responses: {
        "200": answer("The stock", jsonContent(StockLevelSchema)),
        "400": error("Malformed sku"),
        "404": error("STOCK_NOT_FOUND"),
      },
    }),
  },
  "/accounts/{id}": {
    put: operation({
      operationId: "openAccount",
      summary: "Open an account (idempotent)",
      access: "operator",
      parameters: [accountId],
      dependency: TABLE,
      responses: {
        "200": answer("It already existed: unchanged", jsonContent(AccountSchema)),
        "201": answer("Opened, with a zero balance", jsonContent(AccountSchema)),
        "400": error("Malformed account id"),
      },
    }),
    get: operation({
      operationId: "getAccount",
      summary: "Read an account: balance, holds and the latest ledger entries",
      access: "caller",
      parameters: [accountId],
      dependency: TABLE,
      responses: {
        "200": answer("The account", jsonContent(AccountSchema)),
        "400": error("Malformed account id"),
        "404": error("ACCOUNT_NOT_FOUND, or not the caller's account: the same answer"),
      },
    }),
  },
  "/accounts/{id}/orders": {
    get: operation({
      operationId: "listAccountOrders",
      summary: "An account's orders as payer or payee, newest first, a page at a time",
      access: "caller",
      parameters: [
        accountId,
        ...queryParameters(ListingQuerySchema, {
          role: "payer (the order's fromAccount) or payee (its toAccount)",
          cursor: "The previous page's cursor, for the same account, role and status",
        }),
      ],
      dependency: TABLE,
      responses: {
        "200": answer(
          "A page of orders; an account with no orders (or never opened, or not the caller's) has an empty list",
          jsonContent(AccountOrdersSchema),
        ),
        "400": error("Malformed account id or query parameter, or a cursor of another listing"),
      },
    }),
  },
  "/accounts/{id}/entries": {
    get: operation({
      operationId: "listAccountEntries",
      summary: "Every ledger entry of an account, newest first, a page at a time",
      access: "caller",
      parameters: [
        accountId,
        ...queryParameters(EntriesQuerySchema, { cursor: "The previous page's cursor, for the same account" }),
      ],
      dependency: TABLE,
      responses: {
        "200": answer("A page of entries", jsonContent(AccountEntriesSchema)),
        "400": error("Malformed account id or query parameter, or a cursor of another account"),
        "404": error("ACCOUNT_NOT_FOUND"),
      },
    }),
  },
  "/accounts/{id}/deposits": {
    post: operation({
      operationId: "depositFunds",
      summary: "Add funds, once per reference: repeating a reference changes nothing",
      access: "operator",
      parameters: [accountId],
      body: adminBody(DepositBodySchema),
      dependency: TABLE,
      responses: {
        "200": answer("The account after the deposit", jsonContent(AccountSchema)),
        "400": error("Malformed account id or body"),
        "404": error("ACCOUNT_NOT_FOUND"),
      },
    }),
  },
  "/accounts/{id}/webhook": {
    get: operation({
      operationId: "getWebhook",
      summary:
        "Read an account's webhook endpoint: its URL, when it was set, and until when a rotated-out secret still signs; never a secret",
      access: "caller",
      parameters: [accountId],
      dependency: TABLE,
      responses: {
        "200": answer("The endpoint", jsonContent(WebhookEndpointSchema)),
        "400": error("Malformed account id"),
        "404": error(
          "ACCOUNT_NOT_FOUND (or not the caller's account: the same answer), or WEBHOOK_NOT_FOUND: the account has none set",
        ),
      },
    }),
    put: operation({
      operationId: "setWebhook",
      summary:
        "Set where the account's order events are POSTed, with a new signing secret (setting it again rotates the secret)",
      access: "operator",
      parameters: [accountId],
      body: adminBody(SetWebhookBodySchema),
      dependency: TABLE,
      responses: {
        "200": answer(
          "The webhook and its secret: the only time the secret is shown",
          jsonContent(WebhookSecretSchema),
        ),
        "400": error("Malformed account id or body"),
        "404": error("ACCOUNT_NOT_FOUND"),
        "422": error(
          "UNSAFE_WEBHOOK_URL: not https, a port other than 443, credentials in it, or a private, reserved or internal host",
        ),
      },
    }),
  },
};
