import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import type { BasePersistenceLayer } from "@aws-lambda-powertools/idempotency/persistence";
import { type Caller, submitterOf } from "@orders/core/domain/caller";
import { canonicalJson } from "@orders/core/domain/canonical-json";
import {
  DependencyError,
  DomainError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InvalidInputError,
} from "@orders/core/domain/errors";
import type { Context } from "aws-lambda";

/** 1–255 printable ASCII characters, as the contract says. */
export const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** A key is remembered this long: a replay within it gets the first answer. */
export const KEY_LIFETIME_SECONDS = 24 * 60 * 60;

/** The request's Idempotency-Key (API Gateway lowercases header names), or undefined; throws if malformed. */
export function idempotencyKeyOf(headers: Record<string, string | undefined> | undefined): string | undefined {
  const key = headers?.["idempotency-key"];
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    const message = "Idempotency-Key must be 1-255 printable ASCII characters";
    throw new InvalidInputError(message, { details: [{ field: "Idempotency-Key", code: "invalid_format", message }] });
  }
  return key;
}

/**
 * The key as stored: the caller's identity (a customer's account too, so that
 * a replay is never answered to a token of another account) and the header,
 * so that two callers' keys never meet (JSON: no choice of text makes two equal).
 */
export function callerScopedKey(caller: Caller, key: string): string {
  return JSON.stringify([submitterOf(caller), caller.kind === "customer" ? caller.account : null, key]);
}

export interface KeyedOutcome<T> {
  result: T;
  /** True when this answer is the stored answer of an earlier request. */
  replayed: boolean;
}

/**
 * Runs `work` once per Idempotency-Key with Powertools' idempotency utility.
 * The record is keyed by the header alone (no JMESPath over header names),
 * and `fingerprint` (the request as it matters) is checked on every replay.
 * Powertools' errors become domain errors: 422 for a reused key, 409 while
 * the first request runs, 503 when the table fails.
 */
export async function onceForKey<T extends object>(
  key: string,
  fingerprint: unknown,
  context: Context,
  store: BasePersistenceLayer,
  work: () => Promise<T>,
): Promise<KeyedOutcome<T>> {
  let ran = false;
  // One config per request: Powertools keeps the Lambda context in it.
  const config = new IdempotencyConfig({
    eventKeyJmesPath: "key",
    payloadValidationJmesPath: "fingerprint",
    expiresAfterSeconds: KEY_LIFETIME_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const keyed = makeIdempotent(
    async (_request: { key: string; fingerprint: string }, _context: Context) => {
      ran = true;
      return work();
    },
    { persistenceStore: store, config, keyPrefix: "submit-order" },
  );
  try {
    const result = (await keyed({ key, fingerprint: canonicalJson(fingerprint) }, context)) as T;
    return { result, replayed: !ran };
  } catch (error) {
    // The work's own errors pass through (Powertools has removed the record, so a retry runs again).
    if (error instanceof DomainError) throw error;
    if (error instanceof IdempotencyValidationError) {
      throw new IdempotencyKeyReusedError("This Idempotency-Key was used with another request", { cause: error });
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new IdempotencyInProgressError("A request with this Idempotency-Key is still running", { cause: error });
    }
    throw new DependencyError("table", "table: idempotency record failed", { cause: error });
  }
}
