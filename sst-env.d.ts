/* The shape of the resources this app links, as `sst dev` and `sst deploy` generate it. */
import "sst";

declare module "sst" {
  export interface Resource {
    AdminToken: { value: string; type: "sst.sst.Secret" };
    NotificationsDlq: { url: string; type: "sst.aws.Queue" };
    NotificationsQueue: { url: string; type: "sst.aws.Queue" };
    OrderEvents: { arn: string; type: "sst.aws.SnsTopic" };
    OrdersBucket: { name: string; type: "sst.aws.Bucket" };
    OrdersConfig: {
      maxAmount: number;
      maxReceiveCount: number;
      retryBaseSeconds: number;
      retryMaxSeconds: number;
      sagaTimeoutMinutes: number;
      webhooks: { allowLoopbackHttp: boolean };
      notifications: {
        maxReceiveCount: number;
        retryBaseSeconds: number;
        retryMaxSeconds: number;
        timeoutSeconds: number;
        circuit: {
          failureThreshold: number;
          coolDownSeconds: number;
          maxCoolDownSeconds: number;
          maxWaitHours: number;
        };
      };
      type: "sst.sst.Linkable";
    };
    OrdersDlq: { url: string; type: "sst.aws.Queue" };
    OrdersQueue: { url: string; type: "sst.aws.Queue" };
    OrdersTable: { name: string; type: "sst.aws.Dynamo" };
  }
}
