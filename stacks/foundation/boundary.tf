# The permissions boundary of every IAM role the app creates (SST's function
# roles and the schedules' roles: infra/boundary.ts sets it on each). Whatever
# policy a role is given, it can do no more than this: the data-plane actions
# of the app's own table, bucket, queues and topic, its functions' logs,
# invoking its own functions, and nothing in IAM. The deploy
# role may create and change roles only with this boundary on them
# (github-deploy.tf), so it cannot make a role, or itself, more than this.
locals {
  app_boundary_name = "${var.app_name}-app-boundary"
  app_boundary_arn  = "${local.arn}:iam::${local.account}:policy/${local.app_boundary_name}"
}

data "aws_iam_policy_document" "app_boundary" {
  # AWSLambdaBasicExecutionRole's actions, on the functions' own log groups.
  statement {
    sid       = "FunctionLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [for name in local.sst_names : "${local.arn}:logs:${var.region}:${local.account}:log-group:/aws/lambda/${name}"]
  }

  # What a schedule's role does (sst.aws.CronV2): EventBridge Scheduler invokes
  # the schedule's function with it. No function's role may hold it
  # (test/preview/least-privilege.test.ts): a function invoking another
  # directly would pass by the API's authorizer.
  statement {
    sid       = "InvokeAppFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = [for name in local.sst_names : "${local.arn}:lambda:${var.region}:${local.account}:function:${name}"]
  }

  statement {
    sid     = "Table"
    actions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"]
    resources = concat(
      [for name in local.sst_names : "${local.arn}:dynamodb:${var.region}:${local.account}:table/${name}"],
      [for name in local.sst_names : "${local.arn}:dynamodb:${var.region}:${local.account}:table/${name}/index/*"],
    )
  }

  statement {
    sid     = "Bucket"
    actions = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
    resources = concat(
      [for name in local.sst_names : "${local.arn}:s3:::${name}"],
      [for name in local.sst_names : "${local.arn}:s3:::${name}/*"],
    )
  }

  # What handlers call, and what Lambda's SQS event source calls with the function's role.
  statement {
    sid       = "Queues"
    actions   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    resources = [for name in local.sst_names : "${local.arn}:sqs:${var.region}:${local.account}:${name}"]
  }

  # The console's overview (GET /admin/metrics) reads the stage's metrics: GetMetricData takes no resource narrower than "*".
  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:GetMetricData"]
    resources = ["*"]
  }

  # Tracing (infra/tracing.ts): Lambda's active tracing writes each function's segments; GET /admin/orders/{id}/trace
  # reads an order's traces. X-Ray defines no resource types for these actions: "*" is the only resource they take.
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetTraceSummaries", "xray:BatchGetTraces"]
    resources = ["*"]
  }

  statement {
    sid       = "Topics"
    actions   = ["sns:Publish"]
    resources = [for name in local.sst_names : "${local.arn}:sns:${var.region}:${local.account}:${name}"]
  }

  # OrderEvents is encrypted with alias/aws/sns: publishing uses the key through SNS only.
  statement {
    sid       = "TopicEncryption"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["${local.arn}:kms:${var.region}:${local.account}:key/*"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sns.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "app_boundary" {
  name        = local.app_boundary_name
  description = "Permissions boundary of every role the SST app creates: its own data, its logs, no IAM."
  policy      = data.aws_iam_policy_document.app_boundary.json
}
