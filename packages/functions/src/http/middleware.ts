import type { Logger } from "@aws-lambda-powertools/logger";
import type { MiddlewareObj, Request } from "@middy/core";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import {
  type DomainError,
  MalformedJsonError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from "@orders/core/domain/errors";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { errorResponse, STATUS_BY_ERROR } from "./errors.ts";
import type { HttpResponse } from "./responses.ts";

type HttpRequest = Request<APIGatewayProxyEventV2, HttpResponse>;

const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

function bodyBytes(event: APIGatewayProxyEventV2): number {
  if (event.body === undefined) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").byteLength : Buffer.byteLength(event.body);
}

/**
 * Requires a JSON body of at most `maxBytes`, then parses it with middy's
 * parser. Every refusal is a typed error: 415, 413 or 400.
 */
export function jsonBody(options: { maxBytes: number }): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  const parser = httpJsonBodyParser();
  return {
    before: async function requireJsonBody(request: HttpRequest) {
      const contentType = request.event.headers?.["content-type"];
      if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) {
        throw new UnsupportedMediaTypeError("Send the order as Content-Type: application/json");
      }
      if (bodyBytes(request.event) > options.maxBytes) {
        throw new PayloadTooLargeError(`The body must be at most ${options.maxBytes} bytes`);
      }
      if (!request.event.body) throw new MalformedJsonError("The request body is empty");
      try {
        await parser.before?.(request as never);
      } catch (cause) {
        throw new MalformedJsonError("The request body is not valid JSON", { cause });
      }
    },
  };
}

/**
 * Turns any error into a JSON error response through the one status table.
 * Only unmapped errors, which become 500s, are logged as errors.
 */
export function httpErrors(options: { logger: Logger }): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> {
  return {
    onError: async function respondWithError(request: HttpRequest) {
      const { error } = request;
      const mapped = STATUS_BY_ERROR.some(([type]) => error instanceof type);
      if (mapped) {
        const { code, message } = error as DomainError;
        const cause = (error as DomainError).cause;
        options.logger.warn("request refused", {
          code,
          reason: message,
          ...(cause instanceof Error ? { cause: cause.message } : {}),
        });
      } else {
        options.logger.error("unexpected error", { error });
      }
      request.response = errorResponse(error);
    },
  };
}
