/**
 * Enough of IAM's policy evaluation to ask "does this policy let the deploy
 * role do X to Y": Allow statements, wildcards in actions (case-insensitive)
 * and resources (case-sensitive). Deny statements and conditions are not
 * modelled: the deploy role's policy uses neither.
 */
import type { PolicyDocument } from "./terraform.ts";

function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, caseInsensitive ? "i" : "").test(value);
}

/** True when some Allow statement grants the action on the resource. */
export function allows(policy: PolicyDocument, action: string, resource: string): boolean {
  if (policy.statements.some((s) => s.effect === "Deny")) throw new Error("Deny statements are not modelled");
  return policy.statements.some(
    (statement) =>
      statement.effect === "Allow" &&
      statement.actions.some((pattern) => wildcard(pattern, action, true)) &&
      statement.resources.some((pattern) => wildcard(pattern, resource, false)),
  );
}

/** True when a StringLike condition value matches. */
export function stringLike(pattern: string, value: string): boolean {
  return wildcard(pattern, value, false);
}
