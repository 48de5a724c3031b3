import { Logger } from "@aws-lambda-powertools/logger";

/** JSON logs through Powertools; the Lambda context adds the request id. */
export const logger = new Logger({ serviceName: "orders" });
