output "alerts_topic_arn" {
  description = "The SNS topic alarms notify."
  value       = aws_sns_topic.alerts.arn
}

output "alerts_topic_parameter" {
  description = "The SSM parameter the app reads the topic ARN from."
  value       = aws_ssm_parameter.alerts_topic_arn.name
}

output "deploy_role_arn" {
  description = "Set it as the GitHub Actions variable AWS_DEPLOY_ROLE_ARN."
  value       = aws_iam_role.deploy.arn
}
