# GitHub Actions deploys with short-lived credentials through OIDC: no keys
# stored in GitHub.
locals {
  github_oidc_url = "https://token.actions.githubusercontent.com"
  github_oidc_provider_arn = var.create_github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : (
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"
  )
  # SST names a stage's resources <app>-<stage>-<Name>-<suffix>.
  prefix  = "${var.app_name}-"
  account = data.aws_caller_identity.current.account_id
  arn     = "arn:${data.aws_partition.current.partition}"
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_github_oidc_provider ? 1 : 0

  url            = local.github_oidc_url
  client_id_list = ["sts.amazonaws.com"]
}

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
      values   = [for branch in var.deploy_branches : "repo:${var.github_repository}:ref:refs/heads/${branch}"]
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
# then the stage's Lambda functions, HTTP API, queues, table, bucket, log
# groups, alarms and dashboard, all named <app>-…; IAM roles for the functions.
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

  statement {
    sid       = "FoundationParameters"
    actions   = ["ssm:GetParameter", "ssm:GetParameters"]
    resources = ["${local.arn}:ssm:${var.region}:${local.account}:parameter/${var.app_name}/foundation/*"]
  }

  statement {
    sid     = "AppResources"
    actions = ["lambda:*", "sqs:*", "dynamodb:*", "s3:*", "logs:*"]
    resources = [
      "${local.arn}:lambda:${var.region}:${local.account}:function:${local.prefix}*",
      "${local.arn}:lambda:${var.region}:${local.account}:event-source-mapping:*",
      "${local.arn}:sqs:${var.region}:${local.account}:${local.prefix}*",
      "${local.arn}:dynamodb:${var.region}:${local.account}:table/${local.prefix}*",
      "${local.arn}:s3:::${local.prefix}*",
      "${local.arn}:s3:::${local.prefix}*/*",
      "${local.arn}:logs:${var.region}:${local.account}:log-group:/aws/lambda/${local.prefix}*",
      "${local.arn}:logs:${var.region}:${local.account}:log-group:/aws/vendedlogs/apis/${local.prefix}*",
    ]
  }

  statement {
    sid       = "EventSourceMappings"
    actions   = ["lambda:CreateEventSourceMapping", "lambda:GetEventSourceMapping", "lambda:ListEventSourceMappings"]
    resources = ["*"]
  }

  statement {
    sid       = "HttpApi"
    actions   = ["apigateway:*"]
    resources = ["${local.arn}:apigateway:${var.region}::/apis", "${local.arn}:apigateway:${var.region}::/apis/*", "${local.arn}:apigateway:${var.region}::/tags/*"]
  }

  statement {
    sid       = "AlarmsAndDashboard"
    actions   = ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:TagResource", "cloudwatch:ListTagsForResource", "cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"]
    resources = ["${local.arn}:cloudwatch:${var.region}:${local.account}:alarm:${local.prefix}*", "${local.arn}:cloudwatch::${local.account}:dashboard/${local.prefix}*"]
  }

  statement {
    sid       = "FunctionRoles"
    actions   = ["iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:PassRole"]
    resources = ["${local.arn}:iam::${local.account}:role/${local.prefix}*"]
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
