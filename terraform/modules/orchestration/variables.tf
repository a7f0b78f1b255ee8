variable "prefix" {
  description = "Name prefix (project + environment, e.g. `c360-dev`). State machines are `<prefix>-<file name>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "definitions_dir" {
  description = "Directory of the ASL files (`<name>.asl.json`, e.g. the repository's stepfunctions/). Each becomes state machine `<prefix>-<name>`."
  type        = string

  validation {
    condition     = length(trimspace(var.definitions_dir)) > 0
    error_message = "definitions_dir must be a non-empty path."
  }
}

variable "substitutions" {
  description = "Values for the `$${...}` placeholders in the ASL files (resource ARNs and names). templatefile() fails on any placeholder left without a value."
  type        = map(string)
  default     = {}
}

variable "kms_key_arn" {
  description = "ARN of the lake CMK (state machine data, log groups, schedules, the run_control environment; the locks table is expected to be encrypted with it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "log_level" {
  description = "Execution history log level of the state machines."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL", "OFF"], var.log_level)
    error_message = "log_level must be ALL, ERROR, FATAL or OFF."
  }
}

variable "log_retention_days" {
  description = "Retention of the state machines' and the run_control Lambda's log groups."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 365, ... 3653)."
  }
}

variable "schedules" {
  description = "EventBridge Scheduler schedules: name => state machine (ASL file name without .asl.json), expression, execution input JSON (may use Scheduler's <aws.scheduler.scheduled-time>; null = {\"scheduled_time\": \"<aws.scheduler.scheduled-time>\"}) and whether it is enabled."
  type = map(object({
    state_machine = string
    expression    = string
    input         = optional(string)
    enabled       = optional(bool, true)
  }))
  default = {
    hourly = { state_machine = "hourly", expression = "rate(1 hour)" }
    daily  = { state_machine = "daily", expression = "cron(0 3 * * ? *)" }
    weekly = { state_machine = "weekly", expression = "cron(0 4 ? * MON *)" }
  }

  validation {
    condition     = alltrue([for k, s in var.schedules : can(regex("^[a-z][a-z0-9-]{0,30}$", k)) && can(regex("^(rate|cron|at)\\(.+\\)$", s.expression)) && (s.input == null || can(jsondecode(s.input)))])
    error_message = "schedules: names like `daily`, expressions rate()/cron()/at(), input valid JSON."
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

# --- What the state machines may call (least privilege) -------------------------

variable "lambda_function_arns" {
  description = "Lambda functions the state machines invoke, besides the module's own run_control (always invocable)."
  type        = list(string)
  default     = []
}

variable "glue_job_arns" {
  description = "Glue jobs the state machines start and poll (start -> wait -> getJobRun loop)."
  type        = list(string)
  default     = []
}

variable "emr_application_arns" {
  description = "EMR Serverless applications the state machines submit job runs to."
  type        = list(string)
  default     = []
}

variable "emr_job_role_arn" {
  description = "Execution role passed to EMR Serverless job runs (iam:PassRole only to emr-serverless); null when EMR is off."
  type        = string
  default     = null
}

variable "athena" {
  description = "Athena access of the state machines (queries run with the state machine's role): workgroup, buckets read/written, Glue databases. Null when Athena is off."
  type = object({
    workgroup_arn       = string
    read_bucket_names   = list(string)
    write_bucket_names  = list(string)
    glue_database_names = list(string)
  })
  default = null
}

variable "alert_email_addresses" {
  description = "E-mail addresses subscribed to the pipeline alerts topic (every failed step publishes to it)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alert_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alert_email_addresses must be e-mail addresses."
  }
}

# --- The run_control Lambda (run_control.tf) ---------------------------------------

variable "artifacts_bucket" {
  description = "Name of the artifacts bucket (lake_storage bucket_names.artifacts): the run_control zip is read from it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket))
    error_message = "artifacts_bucket must be a valid S3 bucket name."
  }
}

variable "artifact_version" {
  description = "Build to deploy, e.g. `0.1.0+abc1234` (run_control zip at lambdas/<version>/run_control.zip)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$", var.artifact_version))
    error_message = "artifact_version must be non-empty [0-9A-Za-z._+-] without slash, e.g. 0.1.0+abc1234."
  }
}

variable "locks_table_name" {
  description = "DynamoDB table holding the run lock item (`pk = LOCK#<prefix>`, `sk = run`; string keys pk/sk, e.g. the serving module's profiles table): C360_LOCKS_TABLE of run_control."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.locks_table_name))
    error_message = "locks_table_name must be a DynamoDB table name (3-255 characters of [A-Za-z0-9_.-])."
  }
}

variable "locks_table_arn" {
  description = "ARN of locks_table_name: run_control may GetItem/PutItem/DeleteItem/Query it, only on the items of its lock partition (dynamodb:LeadingKeys)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.locks_table_arn))
    error_message = "locks_table_arn must be a DynamoDB table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>)."
  }
}

variable "run_lease_seconds" {
  description = "Lease of the run lock (C360_RUN_LEASE_SECONDS). run_control takes it at a run's start and renews it from then before every later stage, so it must outlast the longest stage (a step's Athena exports and its job), not the whole run; at least twice job_timeout_minutes. An execution stopped without releasing it (stopped by hand, timed out) blocks the next runs of the environment until the lease runs out."
  type        = number
  default     = 21600

  validation {
    condition     = var.run_lease_seconds >= 900 && var.run_lease_seconds <= 86400 && floor(var.run_lease_seconds) == var.run_lease_seconds
    error_message = "run_lease_seconds must be a whole number of seconds between 900 (15 minutes) and 86400 (24 hours)."
  }

  validation {
    condition     = var.run_lease_seconds >= 2 * 60 * var.job_timeout_minutes
    error_message = "run_lease_seconds must be at least twice job_timeout_minutes (in seconds): a stage runs a job for up to job_timeout_minutes after its Athena exports, and a lease that ran out mid-stage would let the next run start beside it."
  }
}

variable "job_timeout_minutes" {
  description = "Longest a job may run, in minutes: each EMR Serverless job run's ExecutionTimeoutMinutes (the ASL placeholder `job_timeout_minutes`). Give the Glue jobs the same timeout (processing `job_timeout_minutes`, ingestion `glue_timeout_minutes`), as the stack does."
  type        = number
  default     = 60

  validation {
    condition     = var.job_timeout_minutes >= 1 && var.job_timeout_minutes <= 2880 && floor(var.job_timeout_minutes) == var.job_timeout_minutes
    error_message = "job_timeout_minutes must be a whole number of minutes between 1 and 2880."
  }
}

variable "lambda_runtime" {
  description = "Python runtime of the run_control Lambda."
  type        = string
  default     = "python3.11"

  validation {
    condition     = contains(["python3.11", "python3.12", "python3.13"], var.lambda_runtime)
    error_message = "lambda_runtime must be python3.11, python3.12 or python3.13."
  }
}

variable "lambda_handler" {
  description = "Handler of the run_control Lambda (`lambdas/run_control/handler.py` -> `handler.handler`)."
  type        = string
  default     = "handler.handler"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", var.lambda_handler))
    error_message = "lambda_handler must look like module.function."
  }
}

variable "lambda_memory_mb" {
  description = "Memory of the run_control Lambda in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.lambda_memory_mb >= 128 && var.lambda_memory_mb <= 10240
    error_message = "lambda_memory_mb must be between 128 and 10240."
  }
}

variable "lambda_timeout_seconds" {
  description = "Timeout of the run_control Lambda in seconds (a few DynamoDB calls; the state machines retry Lambda service errors)."
  type        = number
  default     = 30

  validation {
    condition     = var.lambda_timeout_seconds >= 3 && var.lambda_timeout_seconds <= 900
    error_message = "lambda_timeout_seconds must be between 3 and 900."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency of the run_control Lambda (two short calls per execution; the state machines retry Lambda.TooManyRequestsException); -1 for unreserved."
  type        = number
  default     = 5

  validation {
    condition     = var.lambda_reserved_concurrency == -1 || (var.lambda_reserved_concurrency >= 1 && var.lambda_reserved_concurrency <= 100)
    error_message = "lambda_reserved_concurrency must be -1 or between 1 and 100."
  }
}

variable "lambda_log_level" {
  description = "Level of run_control's JSON logs (C360_LOG_LEVEL). Not `log_level`, which is the state machines' execution-history level (ALL/ERROR/FATAL/OFF)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.lambda_log_level)
    error_message = "lambda_log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
