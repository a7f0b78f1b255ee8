variable "region" {
  description = "AWS region to deploy to."
  type        = string
  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "prefix" {
  description = "Name prefix of every resource."
  type        = string
  default     = "c360-prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "artifact_version" {
  description = "Build to deploy, e.g. `0.1.0+abc1234` (`make build` writes dist/<version>/, `make publish` uploads it)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$", var.artifact_version))
    error_message = "artifact_version must be non-empty [0-9A-Za-z._+-] without slash, e.g. 0.1.0+abc1234."
  }
}

variable "package_version" {
  description = "Python package version in the wheel name; null derives it from artifact_version."
  type        = string
  default     = null
}

variable "cost_center" {
  description = "Cost center tag on every resource (provider default_tags)."
  type        = string
  default     = "c360"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.:/=+@ -]{0,127}$", var.cost_center))
    error_message = "cost_center must be a non-empty tag value (max 128 characters)."
  }
}

variable "network" {
  description = "VPC and private subnets (>= 2 AZs) for RDS, the Glue JDBC connection and EMR Serverless. Null: no VPC (then enable_source_demo must be false)."
  type = object({
    vpc_id             = string
    private_subnet_ids = list(string)
  })
  default = null
}

variable "enable_source_demo" {
  description = "Create the simulated core banking RDS PostgreSQL (needs network)."
  type        = bool
  default     = true
}

variable "core_banking_db" {
  description = "Existing core banking database when enable_source_demo is false."
  type = object({
    host     = string
    port     = optional(number, 5432)
    database = string
  })
  default = {
    host     = "core-banking.invalid"
    database = "core_banking"
  }
}

variable "data_scientist_role_arns" {
  description = "IAM roles granted SELECT on the sandbox database."
  type        = list(string)
  default     = []
}

variable "api_invoker_arns" {
  description = "IAM principals allowed to call the profile API function URL."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group."
  type        = number
  default     = 365
}

variable "file_drop_source_uri" {
  description = "Root of the sources' file drops (s3://bucket/[prefix/] holding mainframe/, clickstream/events/, call_center/). Null: the stack's <prefix>-sources bucket."
  type        = string
  default     = null
}

variable "crm_data_uri" {
  description = "Where the simulated CRM API reads its page-*.json (s3://bucket/prefix/). Null: crm/customers/ in the stack's sources bucket."
  type        = string
  default     = null
}
