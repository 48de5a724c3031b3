import { assertMayReadAccount } from "@orders/core/domain/access";
import type { Caller } from "@orders/core/domain/caller";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { adminRoute } from "./admin-route.ts";
import { callerOf } from "./caller-auth.ts";
import type { HttpResponse } from "./responses.ts";

/**
 * A GET under /accounts/{id} that any caller may try: an operator, or the
 * customer whose account it is. The handler runs only once the caller may
 * read the account in the path, and is given its id and who is asking.
 */
export function accountReadRoute(
  handler: (accountId: string, caller: Caller, event: APIGatewayProxyEventV2) => Promise<HttpResponse>,
) {
  return adminRoute({ body: false, access: "caller" }, async (event) => {
    const caller = callerOf(event);
    const accountId = event.pathParameters?.id ?? "";
    assertMayReadAccount(caller, accountId);
    return handler(accountId, caller, event);
  });
}
