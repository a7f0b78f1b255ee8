variable "prefix" {
  description = "Name prefix (project + environment, e.g. `c360-dev`). Glue databases are `<prefix with - as _>_<layer>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "contracts_dir" {
  description = "Directory holding one data contract per dataset (`<dataset>.yaml`); a Glue table stg_<dataset> is created for each."
  type        = string

  validation {
    condition     = length(trimspace(var.contracts_dir)) > 0
    error_message = "contracts_dir must be a non-empty path."
  }
}

variable "bucket_names" {
  description = "Bucket name of each lake layer (output bucket_names of lake_storage); needs raw, stage, analytics and sandbox."
  type        = map(string)

  validation {
    condition     = alltrue([for l in ["raw", "stage", "analytics", "sandbox"] : contains(keys(var.bucket_names), l)])
    error_message = "bucket_names must contain raw, stage, analytics and sandbox."
  }
}

variable "kms_key_arn" {
  description = "ARN of the lake CMK the layer buckets are encrypted with (granted to the Lake Formation data access role)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "enable_lake_formation" {
  description = "Register the layer buckets with Lake Formation and grant permissions. Off only for emulators without Lake Formation."
  type        = bool
  default     = true
}

variable "data_scientist_role_arns" {
  description = "IAM role ARNs of data scientists: granted SELECT (and DESCRIBE) on the tables of the sandbox database only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.data_scientist_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "data_scientist_role_arns must be IAM role ARNs."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
