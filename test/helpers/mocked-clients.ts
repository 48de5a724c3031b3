import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { afterEach } from "vitest";

/** An SDK client class, as `mockClient` takes it. */
type ClientClass = { prototype: object };

/**
 * Mocks each of a test file's SDK client classes, named as the test names
 * them, and resets every mock after each test, so that no test's answers or
 * recorded calls reach the next. Call it once, at the top of the file.
 */
export function mockedClients<Classes extends Record<string, ClientClass>>(
  classes: Classes,
): { [Name in keyof Classes]: AwsClientStub<Classes[Name]["prototype"]> } {
  const stubs = Object.fromEntries(
    Object.entries(classes).map(([name, client]) => [name, mockClient(client as Parameters<typeof mockClient>[0])]),
  );
  afterEach(() => {
    for (const stub of Object.values(stubs)) stub.reset();
  });
  return stubs as { [Name in keyof Classes]: AwsClientStub<Classes[Name]["prototype"]> };
}
