import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

/**
 * A JSON response. Every response of the API goes through here. Answers are
 * about orders and money: no cache keeps them unless a route says otherwise,
 * and no browser guesses another content type for them.
 */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...headers,
    },
    body: JSON.stringify(body),
  };
}
