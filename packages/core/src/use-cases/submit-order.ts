import { randomUUID } from "node:crypto";
import { assertMayPayFrom, assertMayUseId } from "../domain/access.ts";
import { type Caller, submitterOf } from "../domain/caller.ts";
import { BodyNotObjectError, InvalidInputError } from "../domain/errors.ts";
import { type Channel, ChannelSchema, type OrderMessage, SubmitOrderBodySchema } from "../domain/order.ts";
import { toDetail } from "../domain/validation.ts";
import type { Clock, OrderQueue } from "../ports.ts";

export interface SubmitOrderInput {
  /** The parsed JSON body. */
  body: unknown;
  /** The `X-Channel` header, if any. */
  channelHeader?: string | undefined;
  /** Who is submitting, as its verified token says. */
  caller: Caller;
}

export interface SubmitOrderDeps {
  queue: OrderQueue;
  clock?: Clock;
  newSubmissionId?: () => string;
}

export interface SubmitOrderResult {
  id: string;
  submissionId: string;
  status: "QUEUED";
}

const systemClock: Clock = { now: () => new Date() };

/**
 * Accepts an order for processing: checks only that it is an object with a
 * well-formed id that the caller may pay from, stamps it with a fresh
 * submission id and its submitter, and resolves once the message is on the
 * queue. Business rules are the processor's job, so that an
 * invalid order still gets its audit record.
 */
export async function submitOrder(input: SubmitOrderInput, deps: SubmitOrderDeps): Promise<SubmitOrderResult> {
  const { body } = input;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new BodyNotObjectError("The request body must be a JSON object");
  }
  const parsed = SubmitOrderBodySchema.safeParse(body, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidInputError("The order id is missing or malformed", {
      details: parsed.error.issues.map(toDetail),
    });
  }
  const order = parsed.data;
  assertMayPayFrom(input.caller, order.fromAccount);
  assertMayUseId(input.caller, order.id);
  const message: OrderMessage = {
    submissionId: (deps.newSubmissionId ?? randomUUID)(),
    receivedAt: (deps.clock ?? systemClock).now().toISOString(),
    channel: resolveChannel(order.channel, input.channelHeader),
    order,
    submittedBy: submitterOf(input.caller),
  };
  await deps.queue.enqueue(message);
  return { id: order.id, submissionId: message.submissionId, status: "QUEUED" };
}

/**
 * The body's channel wins when it names a known channel; an unknown one stays
 * in the order for the processor to reject. A malformed header is the
 * caller's mistake and is refused.
 */
function resolveChannel(fromBody: unknown, fromHeader: string | undefined): Channel {
  const bodyChannel = ChannelSchema.safeParse(fromBody);
  if (bodyChannel.success) return bodyChannel.data;
  if (fromHeader === undefined) return "api";
  const headerChannel = ChannelSchema.safeParse(fromHeader.trim().toLowerCase());
  if (headerChannel.success) return headerChannel.data;
  throw new InvalidInputError("X-Channel must be one of web, mobile, atm, api", {
    details: [{ field: "X-Channel", code: "invalid_value", message: "X-Channel must be one of web, mobile, atm, api" }],
  });
}
