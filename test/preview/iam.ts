/**
 * Enough of IAM's policy evaluation to ask "does this policy let the deploy
 * role do X to Y": Allow and Deny statements (an explicit Deny wins),
 * wildcards in actions (case-insensitive) and resources (case-sensitive), and
 * the string and ARN condition operators, against a request context of
 * condition keys (`iam:PermissionsBoundary`, `iam:PassedToService`). A key
 * missing from the context fails a positive operator and satisfies a negated
 * one, as in IAM.
 */
import type { PolicyDocument } from "./terraform.ts";

function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, caseInsensitive ? "i" : "").test(value);
}

/** The request's condition keys and their values. */
export type RequestContext = Record<string, string | undefined>;

const OPERATORS: Record<string, (values: string[], value: string) => boolean> = {
  StringEquals: (values, value) => values.includes(value),
  StringLike: (values, value) => values.some((pattern) => wildcard(pattern, value, false)),
  ArnEquals: (values, value) => values.includes(value),
  ArnLike: (values, value) => values.some((pattern) => wildcard(pattern, value, false)),
};

function conditionHolds(condition: { test: string; variable: string; values: string[] }, context: RequestContext) {
  const negated = condition.test.replace("Not", "");
  const operator = OPERATORS[negated];
  if (!operator) throw new Error(`condition operator ${condition.test} is not modelled`);
  const value = context[condition.variable];
  const isNot = negated !== condition.test;
  if (value === undefined) return isNot;
  return isNot ? !operator(condition.values, value) : operator(condition.values, value);
}

type Statement = PolicyDocument["statements"][number];

function applies(statement: Statement, action: string, resource: string, context: RequestContext): boolean {
  return (
    statement.actions.some((pattern) => wildcard(pattern, action, true)) &&
    statement.resources.some((pattern) => wildcard(pattern, resource, false)) &&
    statement.conditions.every((condition) => conditionHolds(condition, context))
  );
}

/** True when some Allow statement grants the action on the resource in this context, and no Deny refuses it. */
export function allows(
  policy: PolicyDocument,
  action: string,
  resource: string,
  context: RequestContext = {},
): boolean {
  const matching = policy.statements.filter((statement) => applies(statement, action, resource, context));
  return matching.some((s) => s.effect === "Allow") && !matching.some((s) => s.effect === "Deny");
}

/** True when a StringLike condition value matches. */
export function stringLike(pattern: string, value: string): boolean {
  return wildcard(pattern, value, false);
}
