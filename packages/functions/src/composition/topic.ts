import { SNSClient } from "@aws-sdk/client-sns";
import { SnsOrderEventPublisher } from "@orders/core/adapters/sns-order-events";
import { Resource } from "sst";
import { announced } from "./client-hooks.ts";
import { once } from "./once.ts";
import { traced } from "./tracing.ts";

export const snsClient = once(() => announced(traced(new SNSClient({}))));

/** Where every path that ends an order publishes its events: the OrderEvents topic. */
export const orderEvents = once(() => new SnsOrderEventPublisher(snsClient(), Resource.OrderEvents.arn));
