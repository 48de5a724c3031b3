/**
 * The permissions boundary (issue #16: "the deploy role can make itself
 * admin"): every role SST creates for the app carries the boundary that
 * stacks/foundation/boundary.tf creates, the boundary still allows what each
 * function's role grants, and the deploy role may create or change roles only
 * with that boundary on them, never remove it, and never edit the boundary.
 */

import { TYPES } from "@orders/harness/preview/graph";
import { ACCOUNT, PARTITION, REGION } from "@orders/harness/preview/mocks";
import { loadGraph, STAGES } from "@orders/harness/preview/stages";
import { describe, expect, it } from "vitest";
import { allows } from "./iam.ts";
import { TerraformModule } from "./terraform.ts";

const foundation = new TerraformModule(
  new URL("../../stacks/foundation", import.meta.url).pathname,
  { account: ACCOUNT, region: REGION, partition: PARTITION },
  { github_repository: "acme/orders" },
);
const deploy = foundation.policyDocument("deploy");
const boundary = foundation.policyDocument("app_boundary");

/** The boundary policy's ARN, from the name Terraform gives it. */
const [policyResource] = foundation.resources("aws_iam_policy").filter((block) => block.labels[1] === "app_boundary");
const boundaryArn = `arn:${PARTITION}:iam::${ACCOUNT}:policy/${policyResource ? String(foundation.attribute(policyResource, "name")) : "missing"}`;
const ADMIN = `arn:${PARTITION}:iam::aws:policy/AdministratorAccess`;

describe("the app's permissions boundary (stacks/foundation/boundary.tf)", () => {
  it("is a managed policy Terraform creates and publishes to the app through SSM", () => {
    expect(policyResource).toBeDefined();
    const parameters = foundation.resources("aws_ssm_parameter").map((block) => ({
      name: foundation.attribute(block, "name"),
      value: block.attributes.value,
    }));
    expect(parameters).toContainEqual({
      name: "/orders/foundation/app-boundary-arn",
      value: "aws_iam_policy.app_boundary.arn",
    });
  });

  it("grants nothing in IAM, no wildcard action, and of Lambda only the invoking the schedules' roles need", () => {
    const actions = boundary.statements.flatMap((statement) => statement.actions);
    expect(actions.length).toBeGreaterThan(0);
    expect(
      actions.filter(
        (action) => action.includes("*") || (/^(iam|sts|lambda):/i.test(action) && action !== "lambda:InvokeFunction"),
      ),
    ).toEqual([]);
    expect(boundary.statements.every((statement) => statement.effect === "Allow")).toBe(true);
  });

  it("lets a role invoke the app's own functions only", () => {
    const fn = (name: string) => `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${name}`;
    expect(allows(boundary, "lambda:InvokeFunction", fn("orders-dev-SagaSweeperHandlerFunction-abcdefgh"))).toBe(true);
    expect(allows(boundary, "lambda:InvokeFunction", fn("billing-dev-Api-abcdefgh"))).toBe(false);
    expect(allows(boundary, "lambda:UpdateFunctionCode", fn("orders-dev-SagaSweeperHandlerFunction-abcdefgh"))).toBe(
      false,
    );
  });
});

describe.each(STAGES)("the roles SST creates for stage %s", (stage) => {
  const graph = loadGraph(stage);
  const roles = graph.ofType(TYPES.role);

  it("all carry the app's permissions boundary", () => {
    expect(roles.length).toBeGreaterThan(0);
    const without = roles.filter((role) => role.inputs.permissionsBoundary !== boundaryArn).map((role) => role.name);
    expect(without).toEqual([]);
  });

  it("include a role for each schedule, which EventBridge Scheduler assumes", () => {
    const scheduleRoles = graph.ofType(TYPES.schedule).map((s) => (s.inputs.target as { roleArn: string }).roleArn);
    expect(scheduleRoles.length).toBeGreaterThan(0);
    for (const arn of scheduleRoles) {
      const role = roles.find((r) => r.state.arn === arn);
      expect(JSON.stringify(role?.inputs.assumeRolePolicy), arn).toContain("scheduler.amazonaws.com");
    }
  });

  it("can still do, within the boundary, everything their own policies grant", () => {
    const cut = roles.flatMap((role) => {
      const grants = graph.policyOf(role.name.replace(/Role$/, ""));
      const fn = graph.custom.find(
        (resource) => resource.type === TYPES.function && resource.inputs.role === role.state.arn,
      );
      // A function's role: AWSLambdaBasicExecutionRole's actions, on the function's own log group. (A schedule's
      // role belongs to no function, and writes no logs.)
      const logGroup = `arn:${PARTITION}:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/${fn?.state.name}`;
      const logs = fn ? ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"] : [];
      const needs = [
        ...grants.flatMap((s) => s.Action.flatMap((action) => s.Resource.map((resource) => [action, resource]))),
        ...logs.map((action) => [action, `${logGroup}:*`]),
      ];
      return needs
        .filter(([action, resource]) => !allows(boundary, action as string, resource as string))
        .map(([action, resource]) => `${role.name}: ${action} on ${resource}`);
    });
    expect(cut).toEqual([]);
  });

  it("are created by the deploy role only because they carry the boundary", () => {
    for (const role of roles) {
      const arn = role.state.arn as string;
      const withBoundary = { "iam:PermissionsBoundary": role.inputs.permissionsBoundary as string };
      for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"]) {
        expect(allows(deploy, action, arn, withBoundary), `${action} on ${role.name}`).toBe(true);
        expect(allows(deploy, action, arn), `${action} without a boundary`).toBe(false);
        expect(allows(deploy, action, arn, { "iam:PermissionsBoundary": ADMIN }), `${action} under admin`).toBe(false);
      }
    }
  });
});

describe("the deploy role and the boundary (stacks/foundation/github-deploy.tf)", () => {
  const appRole = `arn:${PARTITION}:iam::${ACCOUNT}:role/orders-dev-SagaSweeperHandlerRole-abcdefgh`;
  const bounded = { "iam:PermissionsBoundary": boundaryArn };

  it("creates, puts and attaches role policies only under the boundary (condition iam:PermissionsBoundary)", () => {
    const conditioned = deploy.statements.filter((statement) =>
      ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"].some((action) =>
        statement.actions.includes(action),
      ),
    );
    for (const statement of conditioned.filter((s) => s.effect === "Allow")) {
      expect(statement.conditions).toContainEqual({
        test: "StringEquals",
        variable: "iam:PermissionsBoundary",
        values: [boundaryArn],
      });
    }
    expect(allows(deploy, "iam:AttachRolePolicy", appRole, bounded)).toBe(true);
    expect(allows(deploy, "iam:AttachRolePolicy", appRole)).toBe(false);
    expect(allows(deploy, "iam:PutRolePermissionsBoundary", appRole, { "iam:PermissionsBoundary": ADMIN })).toBe(false);
  });

  it("may not remove a boundary, nor change or delete the boundary policy", () => {
    expect(allows(deploy, "iam:DeleteRolePermissionsBoundary", appRole, bounded)).toBe(false);
    for (const action of [
      "iam:CreatePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:DeletePolicyVersion",
      "iam:DeletePolicy",
    ]) {
      expect(allows(deploy, action, boundaryArn), action).toBe(false);
      // Denied outright, so that a later, wider statement cannot allow it.
      expect(
        deploy.statements.some(
          (s) => s.effect === "Deny" && s.actions.includes(action) && s.resources.includes(boundaryArn),
        ),
        action,
      ).toBe(true);
    }
    expect(
      deploy.statements.some((s) => s.effect === "Deny" && s.actions.includes("iam:DeleteRolePermissionsBoundary")),
    ).toBe(true);
  });

  it("passes the app's roles to Lambda only, and never its own role", () => {
    expect(allows(deploy, "iam:PassRole", appRole, { "iam:PassedToService": "lambda.amazonaws.com" })).toBe(true);
    expect(allows(deploy, "iam:PassRole", appRole, { "iam:PassedToService": "ec2.amazonaws.com" })).toBe(false);
    const own = `arn:${PARTITION}:iam::${ACCOUNT}:role/orders-github-deploy`;
    for (const action of ["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PassRole"]) {
      expect(allows(deploy, action, own, { ...bounded, "iam:PassedToService": "lambda.amazonaws.com" })).toBe(false);
    }
  });
});
