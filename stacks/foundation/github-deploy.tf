# GitHub Actions deploys with short-lived credentials through OIDC: no keys
# stored in GitHub.
locals {
  github_oidc_url = "https://token.actions.githubusercontent.com"
  github_oidc_provider_arn = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : (
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"
  )
  account = data.aws_caller_identity.current.account_id
  arn     = "arn:${data.aws_partition.current.partition}"

  # SST names a stage's resources <app>-<stage>-<Name>-<random>
  # (platform/src/components/naming.ts, prefixName and physicalName). When that
  # is longer than the resource type allows, SST first shortens the app
  # (orde-production-OrdersQueueSubscriber…Role-…) and then drops it
  # (production-OrdersQueueSubscriber…Function-…). These two patterns per
  # stage cover both forms; test/preview/deploy-role.test.ts checks them
  # against every name SST generates for each stage. (Past that SST cuts the
  # stage itself, which no pattern here can scope: infra/queues.ts names the
  # Notifier orders-<stage>-Notifier for that reason.)
  sst_names = flatten([for stage in var.stages : ["${substr(var.app_name, 0, 1)}*-${stage}-*", "${stage}-*"]])
  # Names the app sets itself (alarms, dashboards): always <app>-<stage>-….
  app_names = [for stage in var.stages : "${var.app_name}-${stage}-*"]
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 1 : 0

  url            = local.github_oidc_url
  client_id_list = ["sts.amazonaws.com"]
}

# A job that names an environment presents the subject
# repo:<owner>/<repo>:environment:<name> (GitHub's OIDC reference, "Filtering
# for a specific environment"); the workflow's deploy job uses `production`.
data "aws_iam_policy_document" "deploy_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.github_oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = [for environment in var.deploy_environments : "repo:${var.github_repository}:environment:${environment}"]
    }
  }
}

resource "aws_iam_role" "deploy" {
  name                 = "${var.app_name}-github-deploy"
  description          = "Assumed by GitHub Actions to run sst deploy."
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust.json
  max_session_duration = 3600
}

# What `sst deploy` does for this app: its own state and assets in S3 and SSM,
# then the stage's Lambda functions, HTTP API, queues (and their policies), SNS
# topic and subscriptions, table, bucket, log groups, EventBridge Scheduler
# schedules, alarms and dashboard; IAM roles for the functions and schedules.
data "aws_iam_policy_document" "deploy" {
  statement {
    sid     = "SstStateAndAssets"
    actions = ["s3:*"]
    resources = [
      "${local.arn}:s3:::sst-state-*", "${local.arn}:s3:::sst-state-*/*",
      "${local.arn}:s3:::sst-asset-*", "${local.arn}:s3:::sst-asset-*/*",
    ]
  }

  statement {
    sid       = "SstBootstrapParameters"
    actions   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParametersByPath"]
    resources = ["${local.arn}:ssm:${var.region}:${local.account}:parameter/sst/*"]
  }

  # SST's bootstrap creates (or finds) its container asset repository in each
  # account and region, even for an app without containers.
  statement {
    sid       = "SstBootstrapRepository"
    actions   = ["ecr:CreateRepository", "ecr:DescribeRepositories"]
    resources = ["${local.arn}:ecr:${var.region}:${local.account}:repository/sst-asset"]
  }

  statement {
    sid       = "FoundationParameters"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = ["${local.arn}:ssm:${var.region}:${local.account}:parameter/${var.app_name}/foundation/*"]
  }

  statement {
    sid     = "AppResources"
    actions = ["lambda:*", "sqs:*", "dynamodb:*", "s3:*", "logs:*"]
    resources = concat(
      [for name in local.sst_names : "${local.arn}:lambda:${var.region}:${local.account}:function:${name}"],
      ["${local.arn}:lambda:${var.region}:${local.account}:event-source-mapping:*"],
      [for name in local.sst_names : "${local.arn}:sqs:${var.region}:${local.account}:${name}"],
      [for name in local.sst_names : "${local.arn}:dynamodb:${var.region}:${local.account}:table/${name}"],
      [for name in local.sst_names : "${local.arn}:s3:::${name}"],
      [for name in local.sst_names : "${local.arn}:s3:::${name}/*"],
      [for name in local.sst_names : "${local.arn}:logs:${var.region}:${local.account}:log-group:/aws/lambda/${name}"],
      [for name in local.sst_names : "${local.arn}:logs:${var.region}:${local.account}:log-group:/aws/vendedlogs/apis/${name}"],
    )
  }

  # The OrderEvents topic and its subscriptions. A subscription's ARN is its
  # topic's followed by `:<id>`, which the same name patterns match.
  statement {
    sid       = "Topics"
    actions   = ["sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource", "sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"]
    resources = [for name in local.sst_names : "${local.arn}:sns:${var.region}:${local.account}:${name}"]
  }

  statement {
    sid       = "EventSourceMappings"
    actions   = ["lambda:CreateEventSourceMapping", "lambda:GetEventSourceMapping", "lambda:ListEventSourceMappings"]
    resources = ["*"]
  }

  # The HTTP API's access log is a CloudWatch Logs delivery; these actions
  # take no resource (AWS's HTTP API logging page).
  statement {
    sid       = "ApiAccessLogDelivery"
    actions   = ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:DescribeResourcePolicies", "logs:GetLogDelivery", "logs:ListLogDeliveries"]
    resources = ["*"]
  }

  statement {
    sid       = "HttpApi"
    actions   = ["apigateway:*"]
    resources = ["${local.arn}:apigateway:${var.region}::/apis", "${local.arn}:apigateway:${var.region}::/apis/*", "${local.arn}:apigateway:${var.region}::/tags/*"]
  }

  # The Describe*/Get*/List* actions in this and the other statements are the
  # provider's read-back: it reads each schedule and alarm again right after
  # creating it, so without them a deploy fails half-way (issue #18).
  # test/preview/deploy-role.test.ts checks each resource type's create and
  # read-back calls against every stage's graph.
  #
  # The schedules (sst.aws.CronV2) are in the account's default group. A
  # schedule takes no tags, so there is no tagging action to grant.
  statement {
    sid       = "Schedules"
    actions   = ["scheduler:CreateSchedule", "scheduler:GetSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"]
    resources = [for name in local.sst_names : "${local.arn}:scheduler:${var.region}:${local.account}:schedule/default/${name}"]
  }

  # The EventBridge rules sst.aws.Cron made before the schedules moved to
  # EventBridge Scheduler: the first deploy after the move deletes them (and
  # their targets). Remove this statement once every stage has deployed it.
  statement {
    sid       = "FormerScheduleRules"
    actions   = ["events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:EnableRule", "events:DisableRule", "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule", "events:TagResource", "events:UntagResource", "events:ListTagsForResource"]
    resources = [for name in local.sst_names : "${local.arn}:events:${var.region}:${local.account}:rule/${name}"]
  }

  statement {
    sid     = "AlarmsAndDashboard"
    actions = ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:TagResource", "cloudwatch:ListTagsForResource", "cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"]
    resources = concat(
      [for name in local.app_names : "${local.arn}:cloudwatch:${var.region}:${local.account}:alarm:${name}"],
      [for name in local.app_names : "${local.arn}:cloudwatch::${local.account}:dashboard/${name}"],
    )
  }

  # The functions' and the schedules' roles. Creating one, or changing what it may do, only with
  # the app's permissions boundary on it (boundary.tf): a role made here can
  # never do more than the boundary allows, whatever policy it is given.
  statement {
    sid       = "FunctionRolesWithinBoundary"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy"]
    resources = [for name in local.sst_names : "${local.arn}:iam::${local.account}:role/${name}"]

    condition {
      test     = "StringEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.app_boundary_arn]
    }
  }

  statement {
    sid       = "FunctionRoles"
    actions   = ["iam:DeleteRole", "iam:GetRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"]
    resources = [for name in local.sst_names : "${local.arn}:iam::${local.account}:role/${name}"]
  }

  # Passed to Lambda (a function's role) and to EventBridge Scheduler (a
  # schedule's role, which invokes its function) only.
  statement {
    sid       = "PassAppRoles"
    actions   = ["iam:PassRole"]
    resources = [for name in local.sst_names : "${local.arn}:iam::${local.account}:role/${name}"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["lambda.amazonaws.com", "scheduler.amazonaws.com"]
    }
  }

  # Nothing above allows these; the denials keep it so if a statement is widened later.
  statement {
    sid       = "KeepBoundaries"
    effect    = "Deny"
    actions   = ["iam:DeleteRolePermissionsBoundary"]
    resources = ["*"]
  }

  statement {
    sid       = "NoOtherBoundary"
    effect    = "Deny"
    actions   = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
    resources = ["*"]

    condition {
      test     = "StringNotEquals"
      variable = "iam:PermissionsBoundary"
      values   = [local.app_boundary_arn]
    }
  }

  statement {
    sid       = "KeepTheBoundaryPolicy"
    effect    = "Deny"
    actions   = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"]
    resources = [local.app_boundary_arn]
  }

  statement {
    sid       = "ReadOnlyLookups"
    actions   = ["sts:GetCallerIdentity", "logs:DescribeLogGroups", "lambda:ListFunctions", "sqs:ListQueues", "dynamodb:ListTables", "s3:ListAllMyBuckets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "sst-deploy"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}
