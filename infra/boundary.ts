/**
 * The permissions boundary of every IAM role in the stage: the managed policy
 * stacks/foundation/boundary.tf creates, read from the foundation's SSM
 * parameter (the one seam with Terraform). Whatever a role is granted, it can
 * do no more than the boundary allows; and the deploy role may create or
 * change a role only with this boundary on it, so nothing it deploys can
 * exceed the app's needs.
 *
 * A transform of every `aws.iam.Role`, not only SST's function roles: a role
 * any component adds later gets it too. Imported before any component is
 * declared (infra/storage.ts): a transform applies to what registers after it.
 */
export const boundaryParameter = `/${$app.name}/foundation/app-boundary-arn`;
const boundaryArn = aws.ssm.getParameterOutput({ name: boundaryParameter }).value;

$transform(aws.iam.Role, (args) => {
  args.permissionsBoundary = boundaryArn;
});
