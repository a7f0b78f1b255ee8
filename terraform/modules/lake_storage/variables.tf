variable "prefix" {
  description = "Name prefix of every resource (project + environment, e.g. `c360-dev`). Buckets are named `<prefix>-<layer>[-<bucket_name_suffix>]`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "bucket_name_suffix" {
  description = "Optional suffix appended to every bucket name to make it globally unique (e.g. the account id). Empty for none."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[a-z0-9-]{0,24}$", var.bucket_name_suffix))
    error_message = "bucket_name_suffix must be at most 24 characters of [a-z0-9-]."
  }
}

variable "attach_deny_insecure_transport_policy" {
  description = "Attach a bucket policy statement that denies every request made without TLS (aws:SecureTransport = false). Switch off only for emulators that cannot evaluate the condition."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete non-empty buckets. Keep false outside throwaway environments."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent object versions are deleted, in every bucket."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 3650
    error_message = "noncurrent_version_expiration_days must be between 1 and 3650."
  }
}

variable "raw_transition_to_ia_days" {
  description = "Days after which RAW objects move to S3 Standard-IA (RAW is immutable and rarely re-read)."
  type        = number
  default     = 30

  validation {
    condition     = var.raw_transition_to_ia_days >= 30
    error_message = "raw_transition_to_ia_days must be at least 30 (S3 minimum for STANDARD_IA)."
  }
}

variable "raw_transition_to_glacier_ir_days" {
  description = "Days after which RAW objects move to S3 Glacier Instant Retrieval."
  type        = number
  default     = 90

  validation {
    condition     = var.raw_transition_to_glacier_ir_days >= 60
    error_message = "raw_transition_to_glacier_ir_days must be at least 60 (30 days after the Standard-IA transition)."
  }
}

variable "log_expiration_days" {
  description = "Days after which server access logs in the logs bucket are deleted."
  type        = number
  default     = 365

  validation {
    condition     = var.log_expiration_days >= 1 && var.log_expiration_days <= 3650
    error_message = "log_expiration_days must be between 1 and 3650."
  }
}

variable "export_expiration_days" {
  description = "Days after which the analytics bucket's `_exports/` objects expire: the Parquet a state machine has Athena UNLOAD from an Iceberg table for the Glue jobs that read it (c360.orchestration.asl, Exports). A run reads its export within minutes; the rest is for looking into a run afterwards."
  type        = number
  default     = 7

  validation {
    condition     = var.export_expiration_days >= 1 && var.export_expiration_days <= 365
    error_message = "export_expiration_days must be between 1 and 365."
  }
}

variable "staging_expiration_days" {
  description = "Days after which objects under the stage and analytics buckets' `.staging/` expire: where the Glue and EMR Spark jobs write a table before moving it into place (c360.lake_files). A finished write leaves nothing there; a job killed mid-write leaves its partial files, which no reader sees."
  type        = number
  default     = 3

  validation {
    condition     = var.staging_expiration_days >= 1 && var.staging_expiration_days <= 30
    error_message = "staging_expiration_days must be between 1 and 30."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the lake CMK is deleted after `destroy`."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "enable_eventbridge_notifications" {
  description = "Send S3 object events of the data buckets to EventBridge (lets ingestion and orchestration react to landed files)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
