import {
  AccountNotFoundError,
  BodyNotObjectError,
  CancellationUnfinishedError,
  DeadLetterNotFoundError,
  DependencyError,
  type DomainError,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  MalformedJsonError,
  OrderNotCancellableError,
  OrderNotFoundError,
  OrderRejectedError,
  PayloadTooLargeError,
  ReportNotFoundError,
  StockBelowReservedError,
  StockNotFoundError,
  SubmissionRecordedError,
  UnauthorizedError,
  UnsafeWebhookUrlError,
  UnsupportedMediaTypeError,
  WebhookNotFoundError,
} from "@orders/core/domain/errors";
import { TraceNotFoundError } from "@orders/core/domain/trace";
import { type HttpResponse, json } from "./responses.ts";

type ErrorClass = abstract new (...args: never[]) => DomainError;

/** The one place where error classes become HTTP status codes. */
export const STATUS_BY_ERROR: ReadonlyArray<readonly [ErrorClass, number]> = [
  [MalformedJsonError, 400],
  [BodyNotObjectError, 400],
  [InvalidInputError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [OrderNotFoundError, 404],
  [DeadLetterNotFoundError, 404],
  [StockNotFoundError, 404],
  [AccountNotFoundError, 404],
  [ReportNotFoundError, 404],
  [TraceNotFoundError, 404],
  [WebhookNotFoundError, 404],
  [StockBelowReservedError, 409],
  [IdempotencyInProgressError, 409],
  [OrderNotCancellableError, 409],
  [CancellationUnfinishedError, 409],
  [SubmissionRecordedError, 409],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [OrderRejectedError, 422],
  [IdempotencyKeyReusedError, 422],
  [UnsafeWebhookUrlError, 422],
  [DependencyError, 503],
];

export interface ErrorBody {
  error: string;
  message: string;
  details?: DomainError["details"];
}

/**
 * The response for any error. A mapped domain error shows its code, message
 * and details; anything else is a 500 that says nothing of its internals.
 */
export function errorResponse(error: unknown): HttpResponse {
  const mapped = STATUS_BY_ERROR.find(([type]) => error instanceof type);
  if (!mapped) return json(500, { error: "INTERNAL", message: "Internal error" } satisfies ErrorBody);
  const domainError = error as DomainError;
  const body: ErrorBody = { error: domainError.code, message: domainError.message };
  if (domainError.details) body.details = domainError.details;
  const headers: Record<string, string> = {};
  if (mapped[1] === 503) headers["retry-after"] = "5";
  if (error instanceof IdempotencyInProgressError) headers["retry-after"] = "1";
  if (mapped[1] === 401) headers["www-authenticate"] = "Bearer";
  return json(mapped[1], body, headers);
}
