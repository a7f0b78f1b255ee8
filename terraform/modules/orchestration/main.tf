data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # stepfunctions/<name>.asl.json -> state machine <prefix>-<name>
  definition_files = fileset(var.definitions_dir, "*.asl.json")
  state_machines = {
    for f in local.definition_files : trimsuffix(f, ".asl.json") => {
      name       = "${var.prefix}-${trimsuffix(f, ".asl.json")}"
      definition = templatefile("${var.definitions_dir}/${f}", local.substitutions)
    }
  }
  alerts_topic_name = "${var.prefix}-pipeline-alerts"
  alerts_topic_arn  = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.alerts_topic_name}"
  # The module owns the alerts topic, the run_control Lambda (run_control.tf) and
  # the job timeout its run lock's lease is checked against, so it provides those
  # placeholders itself.
  substitutions = merge(var.substitutions, {
    alerts_topic_arn       = local.alerts_topic_arn
    lambda_run_control_arn = local.run_control_function_arn
    job_timeout_minutes    = tostring(var.job_timeout_minutes)
  })
  # What the state machines invoke: the given functions and run_control (every
  # definition opens and closes its run with it).
  invoked_function_arns = concat(var.lambda_function_arns, [local.run_control_function_arn])

  state_machine_arns = {
    for k, s in local.state_machines : k => "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${s.name}"
  }

  scheduled_state_machine_arns = distinct([for s in values(var.schedules) : lookup(local.state_machine_arns, s.state_machine, "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${var.prefix}-${s.state_machine}")])

  log_group_name = "/aws/vendedlogs/states/${var.prefix}"

  # Null-safe view of var.athena (statements below are dropped when it is null).
  athena = var.athena != null ? var.athena : {
    workgroup_arn       = ""
    read_bucket_names   = []
    write_bucket_names  = []
    glue_database_names = []
  }
  glue_arn_base = "arn:${local.partition}:glue:${local.region}:${local.account_id}"

  role_statements = concat(
    [
      {
        # CloudWatch Logs log delivery for Step Functions is authorised on "*"
        # (the vended-logs APIs have no resource-level permissions).
        Sid    = "LogDeliveryNoResourceLevel"
        Effect = "Allow"
        Action = [
          "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery",
          "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
          "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
        ]
        Resource = "*"
      },
      {
        # X-Ray has no resource-level permissions.
        Sid      = "XRayWriteNoResourceLevel"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
        Resource = "*"
      },
      {
        Sid      = "UseLakeKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.kms_key_arn
      },
      {
        Sid      = "PublishFailureAlerts"
        Effect   = "Allow"
        Action   = ["sns:Publish"]
        Resource = local.alerts_topic_arn
      },
      {
        Sid      = "InvokePipelineLambdas"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = concat(local.invoked_function_arns, [for a in local.invoked_function_arns : "${a}:*"])
      },
    ],
    [for s in [
      {
        Sid      = "RunAndPollGlueJobs"
        Effect   = "Allow"
        Action   = ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"]
        Resource = var.glue_job_arns
      },
    ] : s if length(var.glue_job_arns) > 0],
    [for s in [
      {
        Sid      = "RunAndPollEmrServerlessJobs"
        Effect   = "Allow"
        Action   = ["emr-serverless:StartJobRun", "emr-serverless:GetJobRun", "emr-serverless:CancelJobRun", "emr-serverless:GetApplication"]
        Resource = concat(var.emr_application_arns, [for a in var.emr_application_arns : "${a}/jobruns/*"])
      },
      {
        Sid       = "PassEmrJobRole"
        Effect    = "Allow"
        Action    = ["iam:PassRole"]
        Resource  = coalesce(var.emr_job_role_arn, "arn:${local.partition}:iam::${local.account_id}:role/none")
        Condition = { StringEquals = { "iam:PassedToService" = "emr-serverless.amazonaws.com" } }
      },
    ] : s if length(var.emr_application_arns) > 0 && var.emr_job_role_arn != null],
    [for s in [
      {
        Sid      = "RunAthenaQueries"
        Effect   = "Allow"
        Action   = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup"]
        Resource = [local.athena.workgroup_arn]
      },
      {
        Sid    = "AthenaCatalog"
        Effect = "Allow"
        Action = [
          "glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition",
          "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreateTable", "glue:UpdateTable",
          "glue:DeleteTable", "glue:BatchCreatePartition", "glue:BatchDeletePartition",
        ]
        Resource = concat(
          ["${local.glue_arn_base}:catalog"],
          [for d in local.athena.glue_database_names : "${local.glue_arn_base}:database/${d}"],
          [for d in local.athena.glue_database_names : "${local.glue_arn_base}:table/${d}/*"],
        )
      },
      {
        Sid      = "AthenaReadBuckets"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"]
        Resource = flatten([for b in distinct(concat(local.athena.read_bucket_names, local.athena.write_bucket_names)) : ["arn:${local.partition}:s3:::${b}", "arn:${local.partition}:s3:::${b}/*"]])
      },
      {
        Sid      = "AthenaWriteBuckets"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
        Resource = [for b in local.athena.write_bucket_names : "arn:${local.partition}:s3:::${b}/*"]
      },
      {
        # The lake buckets are registered with Lake Formation (catalog module): Athena
        # reads and writes their tables with credentials Lake Formation vends to the
        # caller, which needs this action (it has no resource-level permissions).
        Sid      = "LakeFormationDataAccessNoResourceLevel"
        Effect   = "Allow"
        Action   = ["lakeformation:GetDataAccess"]
        Resource = "*"
      },
    ] : s if var.athena != null],
  )
}

# Every failed step publishes here before the execution fails.
resource "aws_sns_topic" "alerts" {
  name              = local.alerts_topic_name
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "alerts" {
  for_each = toset(var.alert_email_addresses)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (365 by default and in dev/prod); only envs/local shortens it for the throwaway emulator.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name = "${var.prefix}-state-machines"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "states.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name = "least-privilege"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.role_statements
  })
}

resource "aws_sfn_state_machine" "this" {
  for_each = local.state_machines

  name       = each.value.name
  role_arn   = aws_iam_role.this.arn
  definition = each.value.definition
  type       = "STANDARD"

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.this.arn}:*"
    include_execution_data = true
    level                  = var.log_level
  }

  tracing_configuration {
    enabled = true
  }

  encryption_configuration {
    type                              = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id                        = var.kms_key_arn
    kms_data_key_reuse_period_seconds = 300
  }

  tags = var.tags

  # The first and last state of every definition invoke run_control.
  depends_on = [aws_iam_role_policy.this, aws_sns_topic.alerts, module.run_control]
}

# --- Schedules -------------------------------------------------------------------

resource "aws_iam_role" "scheduler" {
  count = length(var.schedules) > 0 ? 1 : 0

  name = "${var.prefix}-pipeline-scheduler"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "scheduler" {
  count = length(var.schedules) > 0 ? 1 : 0

  name = "start-scheduled-state-machines"
  role = aws_iam_role.scheduler[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "StartScheduledStateMachines"
        Effect   = "Allow"
        Action   = ["states:StartExecution"]
        Resource = local.scheduled_state_machine_arns
      },
      {
        Sid      = "UseLakeKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.kms_key_arn
      },
      {
        # The state machines are encrypted with the CMK: StartExecution encrypts the
        # execution's input under a data key of it, for that state machine only.
        Sid      = "EncryptScheduledExecutionInput"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey"]
        Resource = var.kms_key_arn
        Condition = {
          StringEquals = {
            "kms:EncryptionContext:aws:states:stateMachineArn" = local.scheduled_state_machine_arns
          }
        }
      },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  for_each = var.schedules

  name                         = "${var.prefix}-${each.key}"
  description                  = "Starts ${var.prefix}-${each.value.state_machine} on ${each.value.expression}"
  schedule_expression          = each.value.expression
  schedule_expression_timezone = var.schedule_timezone
  state                        = each.value.enabled ? "ENABLED" : "DISABLED"
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_sfn_state_machine.this[each.value.state_machine].arn
    role_arn = aws_iam_role.scheduler[0].arn
    # The first state (run_control `start`) derives logical_date (YYYY-MM-DD)
    # and run_id from this when the execution input carries no logical_date.
    input = each.value.input != null ? each.value.input : jsonencode({ scheduled_time = "<aws.scheduler.scheduled-time>" })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }

  lifecycle {
    precondition {
      condition     = contains(keys(local.state_machines), each.value.state_machine)
      error_message = "Schedule ${each.key} targets state machine ${each.value.state_machine}, but ${var.definitions_dir}/${each.value.state_machine}.asl.json does not exist."
    }
  }
}
