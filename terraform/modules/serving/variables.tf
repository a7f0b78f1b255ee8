variable "prefix" {
  description = "Name prefix (project + environment, e.g. `c360-dev`). The table is `<prefix>-customer-profiles`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "artifact_version" {
  description = "Build to deploy, e.g. `0.1.0+abc1234` (profile_api zip at lambdas/<version>/profile_api.zip)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$", var.artifact_version))
    error_message = "artifact_version must be non-empty [0-9A-Za-z._+-] without slash, e.g. 0.1.0+abc1234."
  }
}

variable "artifacts_bucket" {
  description = "Name of the artifacts bucket (lake_storage bucket_names.artifacts)."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the lake CMK (table SSE, Lambda environment, logs)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "deletion_protection" {
  description = "Protect the profiles table against deletion."
  type        = bool
  default     = true
}

variable "function_url_auth_type" {
  description = "Auth of the profile API function URL: AWS_IAM (SigV4-signed callers in api_invoker_arns) or NONE (public; never for real data)."
  type        = string
  default     = "AWS_IAM"

  validation {
    condition     = contains(["AWS_IAM", "NONE"], var.function_url_auth_type)
    error_message = "function_url_auth_type must be AWS_IAM or NONE."
  }
}

variable "api_invoker_arns" {
  description = "IAM principal ARNs (roles/users/accounts) allowed to call the profile API function URL."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.api_invoker_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:", a))])
    error_message = "api_invoker_arns must be IAM ARNs."
  }
}

variable "lambda_runtime" {
  description = "Python runtime of the profile API."
  type        = string
  default     = "python3.11"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.lambda_runtime)
    error_message = "lambda_runtime must be python3.11, python3.12 or python3.13."
  }
}

variable "lambda_handler" {
  description = "Handler of the profile API (`lambdas/profile_api/handler.py` -> `handler.handler`)."
  type        = string
  default     = "handler.handler"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.lambda_handler))
    error_message = "lambda_handler must look like module.function."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of the profile API Lambda in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency of the profile API (caps cost and table load); -1 for unreserved."
  type        = number
  default     = 20

  validation {
    condition     = var.lambda_reserved_concurrency == -1 || (var.lambda_reserved_concurrency >= 1 && var.lambda_reserved_concurrency <= 1000)
    error_message = "lambda_reserved_concurrency must be -1 or between 1 and 1000."
  }
}

variable "log_retention_days" {
  description = "Retention of the profile API log group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
