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
  description = "ARN of the lake CMK (state machine data, log group, schedules)."
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
  description = "Retention of the state machines' log group."
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
  description = "Lambda functions the state machines invoke."
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

variable "tags" {
  description = "Tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
