variable "name" {
  description = "Function name, e.g. `c360-dev-crm-ingest`. Also names the log group `/aws/lambda/<name>` and the role `<name>-lambda`."
  type        = string

  validation {
    # 64 characters for a function name, minus the role's `-lambda` suffix.
    condition     = can(regex("^[A-Za-z0-9_-]{1,57}$", var.name))
    error_message = "name must be 1-57 characters of [A-Za-z0-9_-]."
  }
}

variable "description" {
  description = "What the function does; the module appends ` (<artifact_version>)`."
  type        = string

  validation {
    condition     = length(var.description) > 0 && length(var.description) <= 180
    error_message = "description must be 1-180 characters (the artifact version is appended; Lambda allows 256)."
  }
}

variable "artifact_version" {
  description = "Build the zip belongs to, e.g. `0.1.0+abc1234`: appended to the description and set as tag `artifact_version`."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$", var.artifact_version))
    error_message = "artifact_version must be non-empty [0-9A-Za-z._+-] without slash, e.g. 0.1.0+abc1234."
  }
}

variable "artifacts_bucket" {
  description = "Bucket holding the deployment zip (lake_storage bucket_names.artifacts)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket))
    error_message = "artifacts_bucket must be an S3 bucket name."
  }
}

variable "s3_key" {
  description = "Key of the deployment zip in artifacts_bucket (artifact_layout lambda_keys[<function>], e.g. `lambdas/0.1.0+abc1234/crm_api.zip`)."
  type        = string

  validation {
    condition     = can(regex("^[^/].*\\.zip$", var.s3_key))
    error_message = "s3_key must be a relative key of a .zip file."
  }
}

variable "runtime" {
  description = "Python runtime of the function."
  type        = string
  default     = "python3.11"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.11, python3.12 or python3.13."
  }
}

variable "handler" {
  description = "Handler, `module.function` (`lambdas/<name>/handler.py` -> `handler.handler`)."
  type        = string
  default     = "handler.handler"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.handler))
    error_message = "handler must look like module.function."
  }
}

variable "memory_mb" {
  description = "Memory in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_mb >= 128 && var.memory_mb <= 10240 && floor(var.memory_mb) == var.memory_mb
    error_message = "memory_mb must be a whole number between 128 and 10240."
  }
}

variable "timeout_seconds" {
  description = "Timeout in seconds."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout_seconds >= 1 && var.timeout_seconds <= 900 && floor(var.timeout_seconds) == var.timeout_seconds
    error_message = "timeout_seconds must be a whole number between 1 and 900."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrency (bounds cost and downstream load); -1 for unreserved. No default: every function states its bound."
  type        = number

  validation {
    condition     = var.reserved_concurrency == -1 || (var.reserved_concurrency >= 1 && var.reserved_concurrency <= 1000 && floor(var.reserved_concurrency) == var.reserved_concurrency)
    error_message = "reserved_concurrency must be -1 or a whole number between 1 and 1000."
  }
}

variable "kms_key_arn" {
  description = "ARN of the CMK encrypting the environment variables and the log group. The inline policy does not grant it: add a statement to policy_statements (kms:Decrypt at least, for the environment)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}

variable "environment" {
  description = "Environment variables (encrypted with kms_key_arn); an empty map sets none."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.environment) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k)) && !startswith(k, "AWS_")])
    error_message = "environment keys must match ^[A-Za-z][A-Za-z0-9_]*$ and not start with AWS_ (reserved by Lambda)."
  }
}

variable "policy_statements" {
  description = <<-EOT
    IAM statements of the function's inline policy `least-privilege`, rendered
    as given (jsonencode) after the two the module always adds: `WriteOwnLogs`
    (logs:CreateLogStream, logs:PutLogEvents on its own log group) and
    `XRayWriteNoResourceLevel` (xray:PutTraceSegments, xray:PutTelemetryRecords
    on "*"). Each is an object in IAM JSON spelling: `Sid`, `Effect`, `Action`,
    `Resource`, optional `Condition`; `Resource` and condition values may be a
    string or a list (type `any` for that reason, as in terraform-aws-modules).
  EOT
  type        = any
  default     = []

  validation {
    condition = can([for s in var.policy_statements : s.Sid]) && alltrue([
      for s in var.policy_statements : can(regex("^[A-Za-z0-9]+$", s.Sid)) && contains(["Allow", "Deny"], try(s.Effect, "")) && can(s.Action) && can(s.Resource)
    ])
    error_message = "policy_statements must be a list of objects with an alphanumeric Sid, Effect Allow or Deny, Action and Resource."
  }

  validation {
    condition = try(
      length(distinct([for s in var.policy_statements : s.Sid])) == length(var.policy_statements) &&
      alltrue([for s in var.policy_statements : !contains(["WriteOwnLogs", "XRayWriteNoResourceLevel"], s.Sid)]),
      false,
    )
    error_message = "policy_statements Sids must be unique and not WriteOwnLogs or XRayWriteNoResourceLevel (the module adds those)."
  }
}

variable "tags" {
  description = "Tags of the function, its role and log group (on top of the provider's default_tags); the function also gets `artifact_version`."
  type        = map(string)
  default     = {}
}
