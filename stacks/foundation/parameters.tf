# The one seam between Terraform and the SST app: SSM parameters under
# /<app>/foundation/. infra/alarms.ts reads the topic ARN from here.
resource "aws_ssm_parameter" "alerts_topic_arn" {
  name        = "/${var.app_name}/foundation/alerts-topic-arn"
  description = "SNS topic the app's CloudWatch alarms notify."
  type        = "String"
  value       = aws_sns_topic.alerts.arn
}

# infra/boundary.ts reads it and sets it as the permissions boundary of every role the app creates.
resource "aws_ssm_parameter" "app_boundary_arn" {
  name        = "/${var.app_name}/foundation/app-boundary-arn"
  description = "Permissions boundary policy of the app's IAM roles."
  type        = "String"
  value       = aws_iam_policy.app_boundary.arn
}
