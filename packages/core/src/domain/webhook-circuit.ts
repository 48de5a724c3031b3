import { createHash } from "node:crypto";

/**
 * A circuit breaker per webhook endpoint: an account's URL. Two accounts that
 * name the same URL have a circuit each, so that nobody can open another
 * account's circuit (and delay its events) by pointing a webhook of their own
 * at its URL and making its deliveries fail. CLOSED: events are sent. After
 * `failureThreshold` failures in a row it OPENs: events wait (re-queued with
 * a delay, their tries untouched) until `probeAt`, when one attempt takes the
 * probe (HALF_OPEN) and sends. A 2xx closes the circuit; a failure opens it
 * again for twice as long, up to `maxCoolDownSeconds`. Changing the account's
 * URL moves it to that URL's circuit. The decisions here are pure: the store
 * only keeps the result, with a version for optimistic concurrency.
 */
export const CIRCUIT_STATES = ["CLOSED", "OPEN", "HALF_OPEN"] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

export interface WebhookCircuit {
  /** The endpoint this circuit is about: a circuit for another URL is no circuit for this one. */
  url: string;
  state: CircuitState;
  /** Failed sends in a row since the last 2xx. */
  consecutiveFailures: number;
  /** Times it opened since it was last closed: each doubles the cool-down. */
  opens: number;
  openedAt?: string;
  /** OPEN: when the next probe may go. */
  probeAt?: string;
  /** HALF_OPEN: the probe in flight holds the circuit until then. */
  probeLeaseUntil?: string;
  updatedAt: string;
  /** Bumped by every write; a write is applied only over the version it was derived from. */
  version: number;
}

export interface CircuitPolicy {
  /** Failed sends in a row that open the circuit. */
  failureThreshold: number;
  /** The first cool-down; each reopening doubles it. */
  coolDownSeconds: number;
  maxCoolDownSeconds: number;
  /** An event older than this is sent whatever the circuit says, so its tries run out and it reaches the DLQ. */
  maxWaitHours: number;
}

/** What an attempt does about the circuit: send, send as the probe (after writing `next`), or wait until `until`. */
export type CircuitGate =
  | { kind: "send" }
  | { kind: "probe"; next: WebhookCircuit }
  | { kind: "wait"; until: Date; state: CircuitState };

/** The key of an account's URL's circuit: a SHA-256, so that any URL makes a short key and none leaks into one. */
export function endpointKey(accountId: string, url: string): string {
  return createHash("sha256").update(`${accountId}\n${url}`).digest("base64url");
}

/** SQS's longest DelaySeconds: a wait longer than this is waited in several hops. */
export const MAX_DEFERRAL_SECONDS = 900;

const plus = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();

/** The circuit that applies to `url`: a stored one for another URL does not. */
function current(circuit: WebhookCircuit | undefined, url: string): WebhookCircuit | undefined {
  return circuit && circuit.url === url ? circuit : undefined;
}

/**
 * Whether an attempt for an event that occurred at `occurredAt` may send now.
 * An OPEN circuit past its `probeAt`, or a HALF_OPEN one whose probe's lease
 * ran out (the probe died), gives the probe to this attempt.
 */
export function gate(
  stored: WebhookCircuit | undefined,
  url: string,
  now: Date,
  occurredAt: string,
  policy: CircuitPolicy,
  probeLeaseSeconds: number,
): CircuitGate {
  const circuit = current(stored, url);
  if (!circuit || circuit.state === "CLOSED" || waitedTooLong(occurredAt, now, policy)) return { kind: "send" };
  const heldUntil = circuit.state === "OPEN" ? circuit.probeAt : circuit.probeLeaseUntil;
  if (heldUntil !== undefined && Date.parse(heldUntil) > now.getTime()) {
    return { kind: "wait", until: new Date(heldUntil), state: circuit.state };
  }
  const { probeAt: _probeAt, ...rest } = circuit;
  const next: WebhookCircuit = {
    ...rest,
    state: "HALF_OPEN",
    probeLeaseUntil: plus(now, probeLeaseSeconds),
    updatedAt: now.toISOString(),
    version: circuit.version + 1,
  };
  return { kind: "probe", next };
}

/** An event this old no longer waits for a circuit: its tries run out as usual, and it ends in the DLQ. */
export function waitedTooLong(occurredAt: string, now: Date, policy: CircuitPolicy): boolean {
  return now.getTime() - Date.parse(occurredAt) > policy.maxWaitHours * 3_600_000;
}

/** After a 2xx from `url`: the closed circuit to write, or undefined when it is closed and clean already. */
export function afterSuccess(stored: WebhookCircuit | undefined, url: string, now: Date): WebhookCircuit | undefined {
  const circuit = current(stored, url);
  if (!circuit || (circuit.state === "CLOSED" && circuit.consecutiveFailures === 0)) return undefined;
  return {
    url,
    state: "CLOSED",
    consecutiveFailures: 0,
    opens: 0,
    updatedAt: now.toISOString(),
    version: (stored?.version ?? 0) + 1,
  };
}

/** The cool-down after the circuit's `opens`-th opening: doubled each time, capped. */
export function coolDownSeconds(opens: number, policy: CircuitPolicy): number {
  return Math.min(policy.maxCoolDownSeconds, policy.coolDownSeconds * 2 ** Math.max(0, opens - 1));
}

/**
 * After a failed send to `url`. A failed probe reopens the circuit for longer;
 * the failure that reaches the threshold opens it; a failure while it is open
 * (a send that left before it opened) only counts.
 */
export function afterFailure(
  stored: WebhookCircuit | undefined,
  url: string,
  now: Date,
  policy: CircuitPolicy,
): WebhookCircuit {
  const circuit = current(stored, url);
  const version = (stored?.version ?? 0) + 1;
  const failures = (circuit?.consecutiveFailures ?? 0) + 1;
  const base = { url, consecutiveFailures: failures, updatedAt: now.toISOString(), version };
  if (circuit?.state === "OPEN") return { ...circuit, ...base };
  if (circuit?.state === "HALF_OPEN" || failures >= policy.failureThreshold) {
    const opens = (circuit?.opens ?? 0) + 1;
    return {
      ...base,
      state: "OPEN",
      opens,
      openedAt: circuit?.state === "HALF_OPEN" && circuit.openedAt ? circuit.openedAt : now.toISOString(),
      probeAt: plus(now, coolDownSeconds(opens, policy)),
    };
  }
  return { ...base, state: "CLOSED", opens: 0 };
}

/** How long to delay a re-queued event that waits until `until`: at least 1 s, at most SQS's 900 s, plus jitter. */
export function deferralSeconds(until: Date, now: Date, jitter: number = Math.random()): number {
  const seconds = Math.ceil((until.getTime() - now.getTime()) / 1000) + Math.floor(jitter * 3);
  return Math.min(MAX_DEFERRAL_SECONDS, Math.max(1, seconds));
}

/** What the console and the account's webhook route show of a circuit. */
export interface CircuitView {
  state: CircuitState;
  consecutiveFailures: number;
  openedAt?: string;
  probeAt?: string;
}

export function circuitView(stored: WebhookCircuit | undefined, url: string): CircuitView {
  const circuit = current(stored, url);
  if (!circuit) return { state: "CLOSED", consecutiveFailures: 0 };
  const { state, consecutiveFailures, openedAt, probeAt } = circuit;
  return {
    state,
    consecutiveFailures,
    ...(openedAt && state !== "CLOSED" ? { openedAt } : {}),
    ...(probeAt && state === "OPEN" ? { probeAt } : {}),
  };
}
