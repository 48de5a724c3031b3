import type { RetryPolicy } from "@orders/core/domain/retry-policy";
import { createOrderValidator } from "@orders/core/domain/validation";
import type { WebhookPolicy } from "@orders/core/domain/webhook-url";
import { Resource } from "sst";
import { once } from "./once.ts";

export const orderValidator = once(() => createOrderValidator({ maxAmount: Resource.OrdersConfig.maxAmount }));

export const retryPolicy = once(
  (): RetryPolicy => ({
    baseSeconds: Resource.OrdersConfig.retryBaseSeconds,
    maxSeconds: Resource.OrdersConfig.retryMaxSeconds,
    maxReceiveCount: Resource.OrdersConfig.maxReceiveCount,
  }),
);

export const adminToken = once(() => Resource.AdminToken.value);

/** Minutes a saga may stay PENDING before SagaSweeper compensates it. */
export const sagaTimeoutMinutes = once(() => Resource.OrdersConfig.sagaTimeoutMinutes);

/** Which webhook URLs may be called: https only deployed, loopback http too in the local runtime. */
export const webhookPolicy = once((): WebhookPolicy => Resource.OrdersConfig.webhooks);
