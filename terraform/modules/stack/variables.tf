variable "prefix" {
  description = "Name prefix of every resource (project + environment, e.g. `c360-dev`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "artifact_version" {
  description = "Build every Lambda and job runs, e.g. `0.1.0+abc1234` (`make build` / `make publish`)."
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

variable "bucket_name_suffix" {
  description = "Suffix making bucket names globally unique (the envs pass the account id); empty in the emulator."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^[a-z0-9-]{0,24}$", var.bucket_name_suffix))
    error_message = "bucket_name_suffix must be at most 24 characters of [a-z0-9-]."
  }
}

variable "contracts_dir" {
  description = "Directory of the data contracts (repository contracts/)."
  type        = string
}

variable "model_tables_file" {
  description = "Manifest of the models' Glue tables (repository catalog/model_tables.json, `make catalog-manifest`)."
  type        = string
}

variable "stepfunctions_dir" {
  description = "Directory of the ASL files (repository stepfunctions/)."
  type        = string
}

variable "attach_deny_insecure_transport_policy" {
  description = "TLS-only bucket policies. Off only in envs/local (moto denies reads under it)."
  type        = bool
  default     = true
}

variable "enable_lake_formation" {
  description = "Lake Formation registration and grants. Off only in envs/local (moto stores, never enforces)."
  type        = bool
  default     = true
}

variable "enable_emr_serverless" {
  description = "EMR Serverless applications. Off only in envs/local (stock moto fails on them)."
  type        = bool
  default     = true
}

variable "enable_athena" {
  description = "Athena workgroup. Off only in envs/local (stock moto hangs on it)."
  type        = bool
  default     = true
}

variable "enable_source_demo" {
  description = "Create the simulated core banking RDS PostgreSQL (needs `network`). Off: core_banking_db names an existing database."
  type        = bool
  default     = true

  validation {
    condition     = !var.enable_source_demo || var.network != null
    error_message = "enable_source_demo needs `network` (a VPC with private subnets)."
  }
}

variable "network" {
  description = "VPC and private subnets (two AZs or more) for RDS, the Glue JDBC connection and EMR Serverless. Null: nothing runs in a VPC."
  type = object({
    vpc_id             = string
    private_subnet_ids = list(string)
  })
  default = null

  validation {
    condition     = var.network == null || try(length(var.network.private_subnet_ids) >= 2, false)
    error_message = "network.private_subnet_ids must list at least two subnets."
  }
}

variable "core_banking_db" {
  description = "Core banking database the extract reads when enable_source_demo is false (host, port, database)."
  type = object({
    host     = string
    port     = optional(number, 5432)
    database = string
  })
  default = {
    host     = "localhost"
    database = "core_banking"
  }
}

variable "file_drop_source_uri" {
  description = "Root of the sources' file drops (`s3://bucket/[prefix/]` holding mainframe/, clickstream/events/, call_center/). Null: the stack's sources bucket."
  type        = string
  default     = null
}

variable "crm_data_uri" {
  description = "Where the simulated CRM API reads its `page-*.json` (`s3://bucket/prefix/`). Null: crm/customers/ in the stack's sources bucket."
  type        = string
  default     = null
}

variable "crm_api_faults" {
  description = "Faults the simulated CRM API injects (JSON `Faults`, e.g. {\"rate_limit_every\": 5}); null for none."
  type        = string
  default     = null
}

variable "crm_api_url" {
  description = "Base URL of a real CRM API for crm_ingest; null: crm_ingest calls the simulated crm_api function."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Allow destroy to empty buckets and the Athena workgroup (throwaway environments only)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Deletion protection of the profiles table and the RDS instance."
  type        = bool
  default     = true
}

variable "secret_recovery_window_days" {
  description = "Recovery window of the DB credentials secret (0 only in throwaway environments)."
  type        = number
  default     = 7
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group."
  type        = number
  default     = 365
}

variable "data_scientist_role_arns" {
  description = "IAM roles granted SELECT on the sandbox database (Lake Formation)."
  type        = list(string)
  default     = []
}

variable "api_invoker_arns" {
  description = "IAM principals allowed to call the profile API function URL."
  type        = list(string)
  default     = []
}

variable "run_lease_seconds" {
  description = "Lease of the environment's run lock (orchestration `run_lease_seconds`), renewed before every stage of a run: it must outlast the longest stage, at least twice job_timeout_minutes. An execution stopped without releasing it blocks the next runs until the lease runs out."
  type        = number
  default     = 21600

  validation {
    condition     = var.run_lease_seconds >= 900 && var.run_lease_seconds <= 86400 && floor(var.run_lease_seconds) == var.run_lease_seconds
    error_message = "run_lease_seconds must be a whole number of seconds between 900 (15 minutes) and 86400 (24 hours)."
  }

  validation {
    condition     = var.run_lease_seconds >= 2 * 60 * var.job_timeout_minutes
    error_message = "run_lease_seconds must be at least twice job_timeout_minutes (in seconds): a lease that ran out mid-stage would let the next run start beside it."
  }
}

variable "job_timeout_minutes" {
  description = "Longest any job may run, in minutes: the Glue jobs' timeout (processing and ingestion) and each EMR Serverless job run's ExecutionTimeoutMinutes (orchestration)."
  type        = number
  default     = 60

  validation {
    condition     = var.job_timeout_minutes >= 1 && var.job_timeout_minutes <= 2880 && floor(var.job_timeout_minutes) == var.job_timeout_minutes
    error_message = "job_timeout_minutes must be a whole number of minutes between 1 and 2880."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}

variable "pipeline_schedules" {
  description = "Schedules of the state machines (see orchestration `schedules`); null keeps the module's hourly/daily/weekly default."
  type = map(object({
    state_machine = string
    expression    = string
    input         = optional(string)
    enabled       = optional(bool, true)
  }))
  default = null
}
