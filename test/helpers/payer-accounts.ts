import { expect } from "vitest";

/** Sends one admin request to the running system and answers its status and JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: each test reads the answer's body its own way.
type AdminCall = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/**
 * Opens the account `payer` with 1000 deposited and its webhook at `hookUrl`,
 * through the admin routes, each step expected to succeed; answers the
 * webhook's signing secret.
 */
export async function openPayer(call: AdminCall, payer: string, hookUrl: string, reference = "e2e"): Promise<string> {
  expect((await call("PUT", `/accounts/${payer}`)).status).toBe(201);
  expect((await call("POST", `/accounts/${payer}/deposits`, { amount: 1000, reference })).status).toBe(200);
  const webhook = await call("PUT", `/accounts/${payer}/webhook`, { url: hookUrl });
  expect(webhook.status).toBe(200);
  return webhook.body.secret;
}
