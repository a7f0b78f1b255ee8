variable "prefix" {
  description = "Name prefix (project + environment, e.g. `c360-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "artifact_version" {
  description = "Build to run, e.g. `0.1.0+abc1234`: job scripts, Hive scripts and the wheel are read under this version."
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

variable "bucket_names" {
  description = "Bucket names from lake_storage (needs raw, stage, analytics, sandbox, artifacts, logs)."
  type        = map(string)

  validation {
    condition     = alltrue([for l in ["raw", "stage", "analytics", "sandbox", "artifacts", "logs"] : contains(keys(var.bucket_names), l)])
    error_message = "bucket_names must contain raw, stage, analytics, sandbox, artifacts and logs."
  }
}

variable "database_names" {
  description = "Glue database names from catalog (needs stage, analytics and sandbox)."
  type        = map(string)

  validation {
    condition     = alltrue([for l in ["stage", "analytics", "sandbox"] : contains(keys(var.database_names), l)])
    error_message = "database_names must contain stage, analytics and sandbox."
  }
}

variable "kms_key_arn" {
  description = "ARN of the lake CMK (job output, bookmarks, logs, Athena results)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "profiles_table_name" {
  description = "Name of the DynamoDB profiles table load_profiles writes (serving module)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.profiles_table_name))
    error_message = "profiles_table_name must be a valid DynamoDB table name."
  }
}

variable "conform_worker_type" {
  description = "Worker type of the conform Glue job."
  type        = string
  default     = "G.1X"

  validation {
    condition     = contains(["G.1X", "G.2X", "G.4X", "G.8X"], var.conform_worker_type)
    error_message = "conform_worker_type must be G.1X, G.2X, G.4X or G.8X."
  }
}

variable "conform_number_of_workers" {
  description = "Number of workers of the conform Glue job."
  type        = number
  default     = 2

  validation {
    condition     = var.conform_number_of_workers >= 2 && var.conform_number_of_workers <= 100
    error_message = "conform_number_of_workers must be between 2 and 100."
  }
}

variable "glue_max_concurrent_runs" {
  description = "Concurrent runs per Glue job. The state machines start conform once per dataset in one stage (9 datasets) and sandbox_export once per sbx_* table (up to 2 in one stage, 3 tables); a lower limit only queues runs behind Glue.ConcurrentRunsExceededException."
  type = object({
    conform        = optional(number, 9)
    load_profiles  = optional(number, 1)
    sandbox_export = optional(number, 3)
  })
  default = {}

  validation {
    condition     = alltrue([for v in values(var.glue_max_concurrent_runs) : v >= 1 && v <= 1000])
    error_message = "glue_max_concurrent_runs values must be between 1 and 1000."
  }
}

variable "job_timeout_minutes" {
  description = "Timeout of the Glue jobs in minutes."
  type        = number
  default     = 60

  validation {
    condition     = var.job_timeout_minutes >= 1 && var.job_timeout_minutes <= 2880
    error_message = "job_timeout_minutes must be between 1 and 2880."
  }
}

variable "enable_emr_serverless" {
  description = "Create the EMR Serverless Spark and Hive applications. Off only for emulators without EMR Serverless."
  type        = bool
  default     = true
}

variable "emr_release_label" {
  description = "EMR Serverless release of both applications (EMR 7.x: Spark 3.5, Hive 3.1)."
  type        = string
  default     = "emr-7.8.0"

  validation {
    condition     = can(regex("^emr-7\\.[0-9]+\\.[0-9]+$", var.emr_release_label))
    error_message = "emr_release_label must be an EMR 7.x release such as emr-7.8.0."
  }
}

variable "emr_maximum_capacity" {
  description = "Upper bound of the resources each EMR Serverless application may use (cost guard)."
  type = object({
    cpu    = string
    memory = string
  })
  default = {
    cpu    = "32 vCPU"
    memory = "128 GB"
  }

  validation {
    condition     = can(regex("^[0-9]+ vCPU$", var.emr_maximum_capacity.cpu)) && can(regex("^[0-9]+ GB$", var.emr_maximum_capacity.memory))
    error_message = "emr_maximum_capacity must look like { cpu = \"32 vCPU\", memory = \"128 GB\" }."
  }
}

variable "emr_spark_image_tag" {
  description = "Tag of the SPARK application's image in the module's ECR repository (`emr_image_repository_url`). null = the artifact version with '+' as '-' (what `make emr-image` tags)."
  type        = string
  default     = null

  validation {
    condition     = var.emr_spark_image_tag == null || can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.emr_spark_image_tag))
    error_message = "emr_spark_image_tag must be a Docker tag: letters, digits, '_', '.', '-', at most 128 characters, not starting with '.' or '-'."
  }
}

variable "emr_idle_timeout_minutes" {
  description = "Minutes of idleness after which an EMR Serverless application stops."
  type        = number
  default     = 15

  validation {
    condition     = var.emr_idle_timeout_minutes >= 1 && var.emr_idle_timeout_minutes <= 10080
    error_message = "emr_idle_timeout_minutes must be between 1 and 10080."
  }
}

variable "raw_dataset_paths" {
  description = "The contracts' raw.path folders (catalog module output `raw_dataset_paths`): conform may read RAW below these only, never `_erasure/`, `_ledger/` or `_quarantine/`."
  type        = list(string)

  validation {
    condition     = length(var.raw_dataset_paths) > 0 && alltrue([for p in var.raw_dataset_paths : can(regex("^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", p))])
    error_message = "raw_dataset_paths must be non-empty relative folders like \"crm/customers\" (no leading slash or underscore, no trailing slash)."
  }
}

variable "emr_network" {
  description = "Private subnets and security groups for the EMR Serverless applications; null for no VPC access (jobs only reach S3/Glue)."
  type = object({
    subnet_ids         = list(string)
    security_group_ids = list(string)
  })
  default = null
}

variable "enable_athena" {
  description = "Create the Athena workgroup. Off only for emulators that hang on Athena."
  type        = bool
  default     = true
}

variable "athena_results_prefix" {
  description = "Key prefix for Athena query results in the analytics bucket (underscore-prefixed so table scans skip it)."
  type        = string
  default     = "_athena_results/"

  validation {
    condition     = can(regex("^_[a-z0-9_]+/$", var.athena_results_prefix))
    error_message = "athena_results_prefix must look like `_athena_results/`."
  }
}

variable "athena_bytes_scanned_cutoff" {
  description = "Per-query scan limit of the Athena workgroup in bytes (cost guard)."
  type        = number
  default     = 107374182400

  validation {
    condition     = var.athena_bytes_scanned_cutoff >= 10485760
    error_message = "athena_bytes_scanned_cutoff must be at least 10 MB (Athena minimum)."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted sandbox masking-key secret can be restored (0 only in throwaway environments)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "force_destroy" {
  description = "Let `destroy` delete the Athena workgroup with its saved queries and history (throwaway environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
