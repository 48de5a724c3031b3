variable "region" {
  description = "The AWS region of the app's stages."
  type        = string
  default     = "us-east-1"
}

variable "app_name" {
  description = "The SST app name (sst.config.ts). SST names a stage's resources <app>-<stage>-… (or a shortened form), which scopes the deploy role."
  type        = string
  default     = "orders"
}

variable "alert_emails" {
  description = "Addresses that receive alarm notifications. Each must confirm the subscription e-mail AWS sends."
  type        = list(string)
  default     = []
}

variable "github_repository" {
  description = "The GitHub repository allowed to deploy, as owner/name."
  type        = string
}

variable "deploy_environments" {
  description = "GitHub environments whose jobs may assume the deploy role. The workflow's deploy job runs in `production`."
  type        = list(string)
  default     = ["production"]
}

variable "stages" {
  description = "The SST stages the deploy role may create and update (the README's: dev and production)."
  type        = list(string)
  default     = ["dev", "production"]
}

variable "create_github_oidc_provider" {
  description = "False when the account already has GitHub's OIDC provider (there can be only one per account)."
  type        = bool
  default     = true
}
