import { XRayClient } from "@aws-sdk/client-xray";
import { XRayTraceReader } from "@orders/core/adapters/xray-trace-reader";
import { once } from "./once.ts";

/**
 * Where an order's traces are read: X-Ray deployed; under `npm start`, the
 * local runtime's own spans, served at `AWS_ENDPOINT_URL_XRAY` as X-Ray
 * answers, so this has no local branch.
 */
export const traceReader = once(() => new XRayTraceReader(new XRayClient({})));
