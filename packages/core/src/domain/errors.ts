/**
 * Domain errors. Every error that may reach a caller is a `DomainError` with a
 * stable `code`; the HTTP layer maps classes to status codes in one table and
 * the queue layer records the code as the failure reason.
 */
export interface ErrorDetail {
  field: string;
  code: string;
  message: string;
}

interface DomainErrorOptions {
  cause?: unknown;
  details?: ErrorDetail[];
}

export abstract class DomainError extends Error {
  abstract readonly code: string;
  readonly details: ErrorDetail[] | undefined;

  constructor(message: string, options: DomainErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.details = options.details;
  }
}

/** The request body is not parseable JSON. */
export class MalformedJsonError extends DomainError {
  readonly code = "INVALID_JSON";
  override readonly name = "MalformedJsonError";
}

/** The request body is JSON but not a JSON object. */
export class BodyNotObjectError extends DomainError {
  readonly code = "BODY_NOT_OBJECT";
  override readonly name = "BodyNotObjectError";
}

/** The request is not `application/json`. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = "UNSUPPORTED_MEDIA_TYPE";
  override readonly name = "UnsupportedMediaTypeError";
}

/** The request body is over the size limit. */
export class PayloadTooLargeError extends DomainError {
  readonly code = "PAYLOAD_TOO_LARGE";
  override readonly name = "PayloadTooLargeError";
}

/** An input field (an order id, a header) breaks its format rules. */
export class InvalidInputError extends DomainError {
  readonly code = "INVALID_INPUT";
  override readonly name = "InvalidInputError";
}

/** No processed order has this id (it may still be queued). */
export class OrderNotFoundError extends DomainError {
  readonly code = "ORDER_NOT_FOUND";
  override readonly name = "OrderNotFoundError";
}

/** A queue message can never be processed, whatever the retries. */
export class PoisonMessageError extends DomainError {
  readonly code = "POISON_MESSAGE";
  override readonly name = "PoisonMessageError";
}

export type Dependency = "table" | "bucket" | "queue" | "topic" | "metrics" | "traces";

/** What went wrong with a dependency, named `<DEPENDENCY>_<OUTCOME>` (e.g. `TABLE_UNAVAILABLE`). */
abstract class DependencyFault extends DomainError {
  readonly code: string;
  readonly dependency: Dependency;

  protected constructor(dependency: Dependency, outcome: string, message: string, options: DomainErrorOptions) {
    super(message, options);
    this.dependency = dependency;
    this.code = `${dependency.toUpperCase()}_${outcome}`;
  }
}

/**
 * A dependency (table, bucket, queue, topic) failed. Adapters wrap SDK errors in it so
 * that no SDK error crosses a port; retrying may succeed.
 */
export class DependencyError extends DependencyFault {
  override readonly name = "DependencyError";

  constructor(dependency: Dependency, message: string, options: DomainErrorOptions = {}) {
    super(dependency, "UNAVAILABLE", message, options);
  }
}

/**
 * A dependency refused a request as invalid (DynamoDB's ValidationException:
 * an item past 400 KB, say). Retrying the same request cannot help, so it is
 * a permanent failure, recorded with the dependency's own reason, never
 * reported as the dependency being unavailable.
 */
export class DependencyRejectedError extends DependencyFault {
  override readonly name = "DependencyRejectedError";

  constructor(dependency: Dependency, message: string, options: DomainErrorOptions = {}) {
    super(dependency, "REJECTED", message, options);
  }
}

/** The caller has no valid credential: no token, a wrong one, or one that has expired. */
export class UnauthorizedError extends DomainError {
  readonly code = "UNAUTHORIZED";
  override readonly name = "UnauthorizedError";
}

/** The caller is known, but may not do this (a customer paying from another's account, say). */
export class ForbiddenError extends DomainError {
  readonly code = "FORBIDDEN";
  override readonly name = "ForbiddenError";
}

/** No dead-letter message has this id (it may have been redriven or discarded). */
export class DeadLetterNotFoundError extends DomainError {
  readonly code = "DEAD_LETTER_NOT_FOUND";
  override readonly name = "DeadLetterNotFoundError";
}

/** An edited order breaks the processor's rules; nothing was moved. */
export class OrderRejectedError extends DomainError {
  readonly code = "ORDER_REJECTED";
  override readonly name = "OrderRejectedError";
}

/** No stock item has this sku. */
export class StockNotFoundError extends DomainError {
  readonly code = "STOCK_NOT_FOUND";
  override readonly name = "StockNotFoundError";
}

/** No consistency report is stored yet: no audit has run on this stage. */
export class ReportNotFoundError extends DomainError {
  readonly code = "REPORT_NOT_FOUND";
  override readonly name = "ReportNotFoundError";
}

/** A stock count below what is reserved would break `reserved ≤ onHand`. */
export class StockBelowReservedError extends DomainError {
  readonly code = "STOCK_BELOW_RESERVED";
  override readonly name = "StockBelowReservedError";
}

/** No account has this id. */
export class AccountNotFoundError extends DomainError {
  readonly code = "ACCOUNT_NOT_FOUND";
  override readonly name = "AccountNotFoundError";
}

/** The account has no webhook set (or is not the caller's, which answers as a missing account instead). */
export class WebhookNotFoundError extends DomainError {
  readonly code = "WEBHOOK_NOT_FOUND";
  override readonly name = "WebhookNotFoundError";
}

/** An Idempotency-Key came back with another request: keys name one request only. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = "IDEMPOTENCY_KEY_REUSED";
  override readonly name = "IdempotencyKeyReusedError";
}

/** The first request with this Idempotency-Key is still running: retry after a moment. */
export class IdempotencyInProgressError extends DomainError {
  readonly code = "IDEMPOTENCY_IN_PROGRESS";
  override readonly name = "IdempotencyInProgressError";
}

/** The order has ended in a way that cannot be cancelled (FAILED, REJECTED). */
export class OrderNotCancellableError extends DomainError {
  readonly code = "ORDER_NOT_CANCELLABLE";
  override readonly name = "OrderNotCancellableError";
}

/** A cancellation still under way cannot be discarded: it would leave its order CANCELLING for good. */
export class CancellationUnfinishedError extends DomainError {
  readonly code = "CANCELLATION_UNFINISHED";
  override readonly name = "CancellationUnfinishedError";
}

/**
 * A dead letter whose submission is already recorded cannot be edited: the
 * processor would take the edited copy as a redelivery of that record and
 * run the recorded order, not the edit.
 */
export class SubmissionRecordedError extends DomainError {
  readonly code = "SUBMISSION_RECORDED";
  override readonly name = "SubmissionRecordedError";
}

/** A cancelled order's payee cannot cover the refund: the refund waits for funds. */
export class RefundBlockedError extends DomainError {
  readonly code = "REFUND_BLOCKED";
  override readonly name = "RefundBlockedError";
}

/** A webhook URL breaks the rules of `checkWebhookUrl` (https only, no private hosts): see `details`. */
export class UnsafeWebhookUrlError extends DomainError {
  readonly code = "UNSAFE_WEBHOOK_URL";
  override readonly name = "UnsafeWebhookUrlError";
  readonly reason: string;

  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(`The webhook URL is not allowed: ${reason}`, {
      ...options,
      details: [{ field: "url", code: "UNSAFE_WEBHOOK_URL", message: reason }],
    });
    this.reason = reason;
  }
}

/**
 * A webhook could not be delivered: the URL or an address it resolves to is
 * forbidden, DNS failed, the connection failed or timed out. A non-2xx answer
 * is not this error: the sender returns its status.
 */
export class WebhookDeliveryError extends DomainError {
  readonly code = "WEBHOOK_DELIVERY_FAILED";
  override readonly name = "WebhookDeliveryError";
  readonly reason: string;

  constructor(reason: string, options: { cause?: unknown } = {}) {
    super(`Webhook delivery failed: ${reason}`, options);
    this.reason = reason;
  }
}
