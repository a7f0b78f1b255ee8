variable "prefix" {
  description = "Name prefix (project + environment, e.g. `c360-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "artifact_version" {
  description = "Build to deploy, e.g. `0.1.0+abc1234`: Lambda zips and job scripts are read from the artifacts bucket under this version."
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

variable "artifacts_bucket" {
  description = "Name of the artifacts bucket (lake_storage bucket_names.artifacts)."
  type        = string
}

variable "raw_bucket" {
  description = "Name of the RAW layer bucket the ingestion writes to (lake_storage bucket_names.raw)."
  type        = string
}

variable "kms_key_arn" {
  description = "ARN of the lake CMK: encrypts logs, Lambda environment, the DB secret and Glue job output."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "lambda_runtime" {
  description = "Python runtime of the ingestion Lambdas."
  type        = string
  default     = "python3.11"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.lambda_runtime)
    error_message = "lambda_runtime must be python3.11, python3.12 or python3.13."
  }
}

variable "lambda_handler" {
  description = "Handler of every function (`lambdas/<name>/handler.py` -> `handler.handler`)."
  type        = string
  default     = "handler.handler"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.lambda_handler))
    error_message = "lambda_handler must look like module.function."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of each ingestion Lambda in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of each ingestion Lambda in seconds."
  type        = number
  default     = 120

  validation {
    condition     = var.lambda_timeout_seconds >= 1 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be between 1 and 900."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency of each ingestion Lambda (bounds what a runaway schedule can cost); -1 for unreserved."
  type        = number
  default     = 2

  validation {
    condition     = var.lambda_reserved_concurrency == -1 || (var.lambda_reserved_concurrency >= 1 && var.lambda_reserved_concurrency <= 100)
    error_message = "lambda_reserved_concurrency must be -1 or between 1 and 100."
  }
}

variable "log_retention_days" {
  description = "Retention of the Lambda log groups."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}

variable "file_drop_source_uri" {
  description = "Root of the sources' file drops, `s3://bucket/[prefix/]`: mainframe_export reads `mainframe/`, file_drop_ingest `clickstream/events/` and `call_center/` under it (C360_MAINFRAME_SOURCE_URI; the layout of the generator's output folder). Objects must be readable with the lake CMK or SSE-S3."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^*]*)?$", var.file_drop_source_uri))
    error_message = "file_drop_source_uri must be an S3 URI such as s3://c360-dev-sources/ (no wildcard)."
  }
}

variable "crm_data_uri" {
  description = "Where the simulated CRM API (crm_api) reads its customer pages `page-*.json`, `s3://bucket/prefix/` (C360_CRM_DATA_URI)."
  type        = string

  validation {
    condition     = can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^*]*)?$", var.crm_data_uri))
    error_message = "crm_data_uri must be an S3 URI such as s3://c360-dev-sources/crm/customers/ (no wildcard)."
  }
}

variable "crm_api_faults" {
  description = "Faults the simulated CRM API injects (C360_CRM_FAULTS, JSON `c360.sources.crm_api.Faults`, e.g. {\"rate_limit_every\": 5}); null injects none."
  type        = string
  default     = null

  validation {
    condition     = var.crm_api_faults == null || can(keys(jsondecode(coalesce(var.crm_api_faults, "{}"))))
    error_message = "crm_api_faults must be a JSON object such as {\"rate_limit_every\": 5}."
  }
}

variable "crm_api_url" {
  description = "Base URL of a real CRM API for crm_ingest (C360_CRM_API_URL; the consumer appends /customers?...). Null: crm_ingest invokes the crm_api Lambda (C360_CRM_API_FUNCTION)."
  type        = string
  default     = null

  validation {
    condition     = var.crm_api_url == null || can(regex("^https://", coalesce(var.crm_api_url, "https://")))
    error_message = "crm_api_url must be an https:// URL."
  }
}

variable "schedules" {
  description = "EventBridge Scheduler expression per function (rate(), cron() or at()), for running a function outside the pipeline. Empty by default: the state machines (orchestration) invoke the ingestion functions, and a second trigger would run the same ingest twice."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.schedules : contains(["crm_api", "crm_ingest", "mainframe_export", "file_drop_ingest"], k) && can(regex("^(rate|cron|at)\\(.+\\)$", v))])
    error_message = "schedules keys must be ingestion functions and values rate(...), cron(...) or at(...)."
  }
}

variable "schedule_timezone" {
  description = "IANA time zone the schedule expressions are evaluated in."
  type        = string
  default     = "UTC"

  validation {
    condition     = can(regex("^[A-Za-z_]+(/[A-Za-z_+-]+)*$", var.schedule_timezone))
    error_message = "schedule_timezone must be an IANA zone name such as UTC or Europe/Madrid."
  }
}

variable "core_banking_db" {
  description = "Core banking PostgreSQL the extract job reads (source_demo outputs in the demo). The password is generated into the secret; create the read-only user with it."
  type = object({
    host     = string
    port     = optional(number, 5432)
    database = string
    username = optional(string, "c360_extract")
  })

  validation {
    condition     = var.core_banking_db.port > 0 && var.core_banking_db.port < 65536 && can(regex("^[a-z_][a-z0-9_]{0,62}$", var.core_banking_db.username))
    error_message = "core_banking_db.port must be a TCP port and username a PostgreSQL identifier."
  }
}

variable "glue_connection_network" {
  description = "Subnet, security groups and AZ the Glue JDBC connection uses to reach the database (private subnets). Null for none (emulator)."
  type = object({
    subnet_id          = string
    security_group_ids = list(string)
    availability_zone  = string
  })
  default = null
}

variable "jdbc_enforce_ssl" {
  description = "Require TLS on the Glue JDBC connection."
  type        = bool
  default     = true
}

variable "glue_worker_type" {
  description = "Worker type of the extract_core_banking Glue job."
  type        = string
  default     = "G.1X"

  validation {
    condition     = contains(["G.1X", "G.2X", "G.4X", "G.8X"], var.glue_worker_type)
    error_message = "glue_worker_type must be G.1X, G.2X, G.4X or G.8X."
  }
}

variable "glue_number_of_workers" {
  description = "Number of workers of the extract_core_banking Glue job."
  type        = number
  default     = 2

  validation {
    condition     = var.glue_number_of_workers >= 2 && var.glue_number_of_workers <= 100
    error_message = "glue_number_of_workers must be between 2 and 100."
  }
}

variable "glue_max_concurrent_runs" {
  description = "Concurrent runs of the extract_core_banking job: the state machines start one run per table (4) in one stage."
  type        = number
  default     = 4

  validation {
    condition     = var.glue_max_concurrent_runs >= 1 && var.glue_max_concurrent_runs <= 100
    error_message = "glue_max_concurrent_runs must be between 1 and 100."
  }
}

variable "glue_jdbc_partitions" {
  description = "JDBC partitions (parallel key ranges) of each table's extract (--partitions)."
  type        = number
  default     = 4

  validation {
    condition     = var.glue_jdbc_partitions >= 1 && var.glue_jdbc_partitions <= 64
    error_message = "glue_jdbc_partitions must be between 1 and 64."
  }
}

variable "glue_timeout_minutes" {
  description = "Timeout of the extract_core_banking Glue job in minutes."
  type        = number
  default     = 60

  validation {
    condition     = var.glue_timeout_minutes >= 1 && var.glue_timeout_minutes <= 2880
    error_message = "glue_timeout_minutes must be between 1 and 2880."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted DB secret can be restored (0 deletes at once; use 0 only in throwaway environments)."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days == 0 || (var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30)
    error_message = "secret_recovery_window_days must be 0 or between 7 and 30."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
