import * as z from "zod/mini";
import { AccountIdSchema } from "./admin-inputs.ts";

/**
 * Who is calling, as a verified token says. Three kinds:
 * - a customer, bound to one account;
 * - a channel, a trusted backend (an ATM network, say) that submits for any payer;
 * - an operator, who runs the system.
 */
export type Caller =
  | { kind: "customer"; subject: string; account: string }
  | { kind: "channel"; subject: string }
  | { kind: "operator"; subject: string };

export type CallerKind = Caller["kind"];

/** The OAuth scope that makes a token's bearer each kind of caller. */
export const SCOPE_OF: Readonly<Record<CallerKind, string>> = {
  customer: "orders:customer",
  channel: "orders:channel",
  operator: "orders:operator",
};

/** The claim that binds a customer's token to its account. */
export const ACCOUNT_CLAIM = "account";

/** A token's subject: printable ASCII without spaces, so that it can be named in logs and keys as it is. */
export const SubjectSchema = z
  .string()
  .check(z.regex(/^[\x21-\x7e]{1,128}$/, { error: "1-128 printable characters, no spaces" }));

/** Who submitted an order, as stored on it (`SubmitterSchema`). */
export function submitterOf(caller: Caller): string {
  return `${caller.kind}:${caller.subject}`;
}

/**
 * The scopes a token carries: OAuth's space-separated `scope`, or an `scp` list
 * as some issuers write it. API Gateway hands a list claim on as one string,
 * `[a b]`: the brackets are dropped.
 */
export function scopesOf(claims: Readonly<Record<string, unknown>>): string[] {
  const { scope, scp } = claims;
  const words = (text: string) =>
    text
      .replace(/^\[(.*)\]$/, "$1")
      .split(" ")
      .filter(Boolean);
  if (typeof scope === "string") return words(scope);
  if (Array.isArray(scp)) return scp.filter((item): item is string => typeof item === "string");
  if (typeof scp === "string") return words(scp);
  return [];
}

/**
 * The caller a verified token's claims describe, or undefined when they
 * describe none: no subject, no role scope or more than one, or a customer
 * token without a well-formed account. The signature, issuer, audience and
 * expiry were checked before (API Gateway's JWT authorizer, or the local gateway).
 */
export function callerFromClaims(claims: Readonly<Record<string, unknown>>): Caller | undefined {
  const subject = SubjectSchema.safeParse(claims.sub);
  if (!subject.success) return undefined;
  const scopes = new Set(scopesOf(claims));
  const kinds = (Object.keys(SCOPE_OF) as CallerKind[]).filter((kind) => scopes.has(SCOPE_OF[kind]));
  if (kinds.length !== 1) return undefined;
  const [kind] = kinds;
  if (kind === "customer") {
    const account = AccountIdSchema.safeParse(claims[ACCOUNT_CLAIM]);
    return account.success ? { kind, subject: subject.data, account: account.data } : undefined;
  }
  return { kind: kind as "channel" | "operator", subject: subject.data };
}
