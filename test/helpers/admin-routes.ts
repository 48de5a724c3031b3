import { apiEvent, lambdaContext } from "@orders/harness/factories";
import { linked } from "@orders/harness/linked-resources";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";

/** The bearer header of the unit tests' linked AdminToken. */
export const adminHeaders = { authorization: `Bearer ${linked.AdminToken.value}` };

/**
 * A GET of an admin route's handler, as API Gateway invokes it: with the
 * admin token, unless the test passes other headers.
 */
export function adminGet<R>(
  handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<R>,
  path: string,
  functionName: string,
) {
  return (headers: Record<string, string> = adminHeaders) =>
    handler(apiEvent({ method: "GET", path, headers }), lambdaContext(functionName));
}

/** A handler's JSON body. */
export const bodyOf = (response: { body?: string }) => JSON.parse(response.body ?? "null");

/** A JSON request to `/accounts/{id}<route>`, as an admin unless the test passes other headers. */
export function accountJsonEvent(
  method: "PUT" | "POST",
  id: string,
  route: string,
  body: unknown,
  headers: Record<string, string> = adminHeaders,
) {
  return apiEvent({
    method,
    path: `/accounts/${id}${route}`,
    pathParameters: { id },
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}
