import {
  afterFailure,
  afterSuccess,
  type CircuitGate,
  type CircuitPolicy,
  gate,
  type WebhookCircuit,
} from "../../domain/webhook-circuit.ts";
import type { WebhookCircuits } from "../../ports.ts";

export interface CircuitBreakerDeps {
  circuits: WebhookCircuits;
  policy: CircuitPolicy;
}

/** Reads before each decision, writes over what was read: this many tries when other attempts keep writing first. */
const MAX_RACES = 5;

/**
 * Asks the circuit of the account's `url` whether an attempt may send to it now. When
 * the probe is due, the attempt that writes HALF_OPEN first is the probe;
 * the others, having lost the race, read again and are told to wait.
 */
export async function passCircuit(
  deps: CircuitBreakerDeps,
  accountId: string,
  url: string,
  now: Date,
  occurredAt: string,
  probeLeaseSeconds: number,
): Promise<CircuitGate> {
  for (let race = 1; ; race++) {
    const stored = await deps.circuits.find(accountId, url);
    const decision = gate(stored, url, now, occurredAt, deps.policy, probeLeaseSeconds);
    if (decision.kind !== "probe") return decision;
    if (await deps.circuits.save(accountId, decision.next)) return decision;
    if (race >= MAX_RACES) return { kind: "wait", until: new Date(now.getTime() + 1000), state: "HALF_OPEN" };
  }
}

/**
 * Records what a send to `url` came to: a 2xx closes the circuit, a failure
 * counts and may open it. Returns the circuit as it now stands (undefined
 * when none applies), or throws if the store kept refusing.
 */
export async function recordSendOutcome(
  deps: CircuitBreakerDeps,
  accountId: string,
  url: string,
  delivered: boolean,
  now: Date,
): Promise<WebhookCircuit | undefined> {
  for (let race = 1; ; race++) {
    const stored = await deps.circuits.find(accountId, url);
    const next = delivered ? afterSuccess(stored, url, now) : afterFailure(stored, url, now, deps.policy);
    if (!next) return stored?.url === url ? stored : undefined;
    if (await deps.circuits.save(accountId, next)) return next;
    if (race >= MAX_RACES) throw new Error(`The circuit of ${url} kept changing under ${race} writes`);
  }
}
