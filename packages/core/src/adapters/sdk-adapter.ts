/**
 * What an adapter over one AWS resource is built with: the SDK client it
 * sends with (injected, so that tests hand it a mocked one) and what it
 * addresses, such as a queue URL, a bucket name or a topic ARN. The adapters
 * over the table take an `OrdersService` instead.
 */
export abstract class SdkAdapter<Client, Target> {
  protected readonly client: Client;
  protected readonly target: Target;

  constructor(client: Client, target: Target) {
    this.client = client;
    this.target = target;
  }
}
