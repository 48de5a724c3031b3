import {
  afterFailure,
  afterSuccess,
  circuitView,
  coolDownSeconds,
  deferralSeconds,
  gate,
  MAX_DEFERRAL_SECONDS,
} from "@orders/core/domain/webhook-circuit";
import { describe, expect, it } from "vitest";

const URL = "https://hooks.example.com/orders";
const POLICY = { failureThreshold: 3, coolDownSeconds: 30, maxCoolDownSeconds: 900, maxWaitHours: 72 };
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, 0) + seconds * 1000);
const OCCURRED = at(0).toISOString();
/** The circuit after the threshold's failures in a row, all at 0 s: it opened then. */
const openedAtZero = () => {
  let circuit = afterFailure(undefined, URL, at(0), POLICY);
  for (let n = 1; n < POLICY.failureThreshold; n++) circuit = afterFailure(circuit, URL, at(0), POLICY);
  return circuit;
};

describe("the webhook circuit's decisions", () => {
  it("doubles the cool-down with each opening, up to the cap", () => {
    expect([1, 2, 3, 5, 6, 20].map((opens) => coolDownSeconds(opens, POLICY))).toEqual([30, 60, 120, 480, 900, 900]);
  });

  it("delays a waiting event by what is left of the wait, at least 1 s and at most SQS's 900 s", () => {
    expect(deferralSeconds(at(30), at(0), 0)).toBe(30);
    expect(deferralSeconds(at(30), at(0), 0.99)).toBe(32);
    expect(deferralSeconds(at(0), at(10), 0)).toBe(1);
    expect(deferralSeconds(at(3600), at(0), 0)).toBe(MAX_DEFERRAL_SECONDS);
  });

  it("lets every attempt send while closed, and counts failures towards opening", () => {
    const one = afterFailure(undefined, URL, at(0), POLICY);
    const two = afterFailure(one, URL, at(1), POLICY);
    expect(gate(two, URL, at(2), OCCURRED, POLICY, 31)).toEqual({ kind: "send" });
    expect(two).toMatchObject({ state: "CLOSED", consecutiveFailures: 2, version: 2 });
    const three = afterFailure(two, URL, at(2), POLICY);
    expect(three).toMatchObject({
      state: "OPEN",
      opens: 1,
      openedAt: at(2).toISOString(),
      probeAt: at(32).toISOString(),
    });
  });

  it("makes attempts wait until the probe, then hands out the probe with a lease; a live lease makes others wait", () => {
    const open = openedAtZero();
    expect(gate(open, URL, at(10), OCCURRED, POLICY, 31)).toEqual({ kind: "wait", until: at(30), state: "OPEN" });
    const probe = gate(open, URL, at(30), OCCURRED, POLICY, 31);
    expect(probe).toMatchObject({ kind: "probe", next: { state: "HALF_OPEN", probeLeaseUntil: at(61).toISOString() } });
    if (probe.kind !== "probe") throw new Error("a probe");
    expect(probe.next.probeAt).toBeUndefined();
    expect(gate(probe.next, URL, at(40), OCCURRED, POLICY, 31)).toEqual({
      kind: "wait",
      until: at(61),
      state: "HALF_OPEN",
    });
    expect(gate(probe.next, URL, at(62), OCCURRED, POLICY, 31).kind).toBe("probe");
  });

  it("closes on a 2xx and writes nothing for an endpoint already closed and clean", () => {
    const one = afterFailure(undefined, URL, at(0), POLICY);
    expect(afterSuccess(one, URL, at(1))).toEqual({
      url: URL,
      state: "CLOSED",
      consecutiveFailures: 0,
      opens: 0,
      updatedAt: at(1).toISOString(),
      version: 2,
    });
    expect(afterSuccess(afterSuccess(one, URL, at(1)), URL, at(2))).toBeUndefined();
    expect(afterSuccess(undefined, URL, at(2))).toBeUndefined();
  });

  it("ignores a circuit kept for another URL, and shows only what an operator needs", () => {
    const open = openedAtZero();
    expect(gate(open, "https://other.example.com/", at(1), OCCURRED, POLICY, 31)).toEqual({ kind: "send" });
    expect(circuitView(open, URL)).toEqual({
      state: "OPEN",
      consecutiveFailures: 3,
      openedAt: at(0).toISOString(),
      probeAt: at(30).toISOString(),
    });
    expect(circuitView(open, "https://other.example.com/")).toEqual({ state: "CLOSED", consecutiveFailures: 0 });
  });

  it("stops making an event wait once it is older than maxWaitHours", () => {
    const open = openedAtZero();
    const later = new Date(at(0).getTime() + 72 * 3_600_000 + 1);
    const reopened = { ...open, probeAt: new Date(later.getTime() + 60_000).toISOString() };
    expect(gate(reopened, URL, later, OCCURRED, POLICY, 31)).toEqual({ kind: "send" });
    expect(gate(reopened, URL, later, later.toISOString(), POLICY, 31).kind).toBe("wait");
  });
});
