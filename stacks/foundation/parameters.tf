# The one seam between Terraform and the SST app: SSM parameters under
# /<app>/foundation/. infra/alarms.ts reads the topic ARN from here.
resource "aws_ssm_parameter" "alerts_topic_arn" {
  name        = "/${var.app_name}/foundation/alerts-topic-arn"
  description = "SNS topic the app's CloudWatch alarms notify."
  type        = "String"
  value       = aws_sns_topic.alerts.arn
}
