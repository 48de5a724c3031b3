import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { stringLike } from "../../preview/iam.ts";
import { TerraformModule } from "../../preview/terraform.ts";

const root = new URL("../../../", import.meta.url).pathname;
const workflow = readFileSync(`${root}.github/workflows/ci.yml`, "utf8");
const foundation = new TerraformModule(
  `${root}stacks/foundation`,
  { account: "123456789012", region: "us-east-1", partition: "aws" },
  { github_repository: "acme/orders" },
);

/** A job's block of the workflow: from `  <job>:` to the next job. */
function job(name: string): string {
  const match = new RegExp(`\\n  ${name}:\\n([\\s\\S]*?)(?=\\n  [\\w-]+:\\n|$)`).exec(workflow);
  if (!match) throw new Error(`no job ${name} in ci.yml`);
  return match[1] as string;
}

/** GitHub's OIDC `sub` for a job: `environment:<name>` when the job has one, else the branch ref. */
function subjectOf(jobText: string, repository: string): string {
  const environment = /\n {4}environment:\s*([\w-]+)/.exec(jobText)?.[1];
  return environment ? `repo:${repository}:environment:${environment}` : `repo:${repository}:ref:refs/heads/main`;
}

describe("the GitHub deploy role's trust (stacks/foundation)", () => {
  const trust = foundation.policyDocument("deploy_trust");
  const condition = (variable: string) =>
    trust.statements.flatMap((s) => s.conditions).filter((c) => c.variable === variable);

  it("accepts the OIDC subject the workflow's deploy job presents", () => {
    // Arrange
    const subject = subjectOf(job("deploy"), "acme/orders");
    // Act
    const patterns = condition("token.actions.githubusercontent.com:sub").flatMap((c) => c.values);
    // Assert
    expect(subject).toBe("repo:acme/orders:environment:production");
    expect(patterns.some((pattern) => stringLike(pattern, subject))).toBe(true);
  });

  it("accepts no other repository, and only STS as audience", () => {
    const patterns = condition("token.actions.githubusercontent.com:sub").flatMap((c) => c.values);
    expect(patterns.some((pattern) => stringLike(pattern, "repo:evil/orders:environment:production"))).toBe(false);
    expect(patterns.some((pattern) => stringLike(pattern, "repo:acme/orders:pull_request"))).toBe(false);
    expect(condition("token.actions.githubusercontent.com:aud").flatMap((c) => c.values)).toEqual([
      "sts.amazonaws.com",
    ]);
  });
});

describe("the alerts topic (stacks/foundation/alerts.tf)", () => {
  const [topic] = foundation.resources("aws_sns_topic");

  it("is encrypted with a customer-managed key that CloudWatch alarms may use", () => {
    // Arrange: the topic's key must be a key of this module, not AWS's managed alias/aws/sns.
    const keyRef = topic?.attributes.kms_master_key_id ?? "";
    const keyName = /^aws_kms_key\.(\w+)\.(arn|id|key_id)$/.exec(keyRef)?.[1];
    expect(keyName, `kms_master_key_id = ${keyRef}`).toBeDefined();
    const key = foundation.resources("aws_kms_key").find((block) => block.labels[1] === keyName);
    // Act
    const policyName = /^data\.aws_iam_policy_document\.(\w+)\.json$/.exec(key?.attributes.policy ?? "")?.[1];
    const keyPolicy = foundation.policyDocument(policyName ?? "missing");
    const forCloudWatch = keyPolicy.statements.filter((s) =>
      s.principals.some((p) => p.type === "Service" && p.identifiers.includes("cloudwatch.amazonaws.com")),
    );
    // Assert
    const actions = forCloudWatch.flatMap((s) => s.actions);
    expect(actions).toContain("kms:Decrypt");
    expect(actions).toContain("kms:GenerateDataKey*");
    expect(key?.attributes.enable_key_rotation).toBe("true");
  });

  it("lets the account administer its key (a key policy without it locks the key)", () => {
    const key = foundation.resources("aws_kms_key")[0];
    const policyName = /^data\.aws_iam_policy_document\.(\w+)\.json$/.exec(key?.attributes.policy ?? "")?.[1];
    const root = foundation
      .policyDocument(policyName ?? "missing")
      .statements.filter((s) =>
        s.principals.some((p) => p.type === "AWS" && p.identifiers.includes("arn:aws:iam::123456789012:root")),
      );
    expect(root.flatMap((s) => s.actions)).toContain("kms:*");
  });
});

describe("the GitHub workflow", () => {
  it("sets up Node 24, the Lambda runtime's version, in every job", () => {
    const versions = [...workflow.matchAll(/node-version:\s*"?([\w.]+)"?/g)].map((m) => m[1]);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.every((version) => version === "24")).toBe(true);
  });

  it("deploys production through the OIDC role, one deploy at a time", () => {
    const deploy = job("deploy");
    expect(deploy).toContain("environment: production");
    expect(deploy).toContain("id-token: write");
    expect(deploy).toContain("cancel-in-progress: false");
    expect(deploy).toContain("npx sst deploy --stage production");
  });
});
