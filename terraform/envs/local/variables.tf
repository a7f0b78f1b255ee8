variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "prefix" {
  description = "Name prefix of every resource."
  type        = string
  default     = "c360-local"

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

# --- Emulator workarounds (envs/local only; see docs/terraform.md) -----------

variable "enable_tls_only_policy" {
  description = "TLS-only bucket policies. Off: moto cannot evaluate aws:SecureTransport and denies reads and destroy under it."
  type        = bool
  default     = false
}

variable "enable_lake_formation" {
  description = "Lake Formation registration/grants. Off: moto stores grants but never enforces them, so they prove nothing locally."
  type        = bool
  default     = false
}

variable "enable_emr_serverless" {
  description = "EMR Serverless applications. Off by default: stock moto creates them STARTED, so the provider's create wait fails and destroy is refused; the harness (EMR_SERVERLESS_APP_CREATED) fixes that: make tf-apply-local TF_LOCAL_VARS=enable_emr_serverless=true."
  type        = bool
  default     = false
}

variable "enable_athena" {
  description = "Athena workgroup. Off by default for LocalStack's free edition (no Athena); moto 5.2.5 creates and deletes it, and make tf-apply-local turns it on."
  type        = bool
  default     = false
}

variable "enable_source_demo" {
  description = "RDS core banking instance. Off: the test harness runs a local PostgreSQL instead (moto takes ~80 s per instance and needs a VPC)."
  type        = bool
  default     = false
}

variable "core_banking_db" {
  description = "PostgreSQL the extract job's connection points at when enable_source_demo is false (the harness's local cluster)."
  type = object({
    host     = string
    port     = optional(number, 5432)
    database = string
  })
  default = {
    host     = "127.0.0.1"
    database = "core_banking"
  }
}
