data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

module "artifacts" {
  source = "../artifact_layout"

  artifacts_bucket = var.artifacts_bucket
  artifact_version = var.artifact_version
  package_version  = var.package_version
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  name_us    = replace(var.prefix, "-", "_")

  artifacts_arn = "arn:${local.partition}:s3:::${var.artifacts_bucket}"
  raw_arn       = "arn:${local.partition}:s3:::${var.raw_bucket}"

  functions = toset(["crm_api", "crm_ingest", "mainframe_export", "file_drop_ingest"])
  # Lambda names use hyphens: <prefix>-crm-api.
  function_names = { for f in local.functions : f => "${var.prefix}-${replace(f, "_", "-")}" }
  function_arns  = { for f, n in local.function_names : f => "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${n}" }
  log_group_arns = { for f, n in local.function_names : f => "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${n}" }

  # X-Ray has no resource-level permissions: these two actions need "*".
  xray_statement = {
    Sid      = "XRayWriteNoResourceLevel"
    Effect   = "Allow"
    Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    Resource = "*"
  }

  environment = {
    crm_api = {}
    crm_ingest = {
      C360_RAW_BUCKET       = var.raw_bucket
      C360_RAW_PREFIXES     = join(",", try(var.raw_prefixes["crm_ingest"], []))
      C360_CRM_API_FUNCTION = local.function_names["crm_api"]
    }
    mainframe_export = {
      C360_RAW_BUCKET   = var.raw_bucket
      C360_RAW_PREFIXES = join(",", try(var.raw_prefixes["mainframe_export"], []))
    }
    file_drop_ingest = {
      C360_RAW_BUCKET   = var.raw_bucket
      C360_RAW_PREFIXES = join(",", try(var.raw_prefixes["file_drop_ingest"], []))
    }
  }

  # Least privilege per function: its own log group, X-Ray, the CMK for its
  # environment, and only the RAW prefix (or function) it needs.
  function_statements = {
    for f in local.functions : f => concat(
      [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${local.log_group_arns[f]}:*"
        },
        local.xray_statement,
        {
          Sid      = "DecryptEnvironmentAndWriteEncrypted"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = var.kms_key_arn
        },
      ],
      [for s in [
        {
          Sid      = "PutRawObjects"
          Effect   = "Allow"
          Action   = ["s3:PutObject"]
          Resource = [for p in try(var.raw_prefixes[f], []) : "${local.raw_arn}/${p}*"]
        },
        {
          Sid       = "ListRawPrefix"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = local.raw_arn
          Condition = { StringLike = { "s3:prefix" = [for p in try(var.raw_prefixes[f], []) : "${p}*"] } }
        },
      ] : s if contains(keys(var.raw_prefixes), f)],
      [for s in [
        {
          Sid      = "CallCrmApi"
          Effect   = "Allow"
          Action   = ["lambda:InvokeFunction"]
          Resource = local.function_arns["crm_api"]
        },
      ] : s if f == "crm_ingest"],
    )
  }
}

# --- Lambdas -------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "lambda" {
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (365 by default and in dev/prod); only envs/local shortens it for the throwaway emulator.
  for_each = local.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "lambda" {
  for_each = local.function_names

  name = "${each.value}-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "lambda" {
  for_each = local.function_names

  name = "least-privilege"
  role = aws_iam_role.lambda[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.function_statements[each.key]
  })
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:These functions call only AWS APIs and the simulated CRM API; no VPC resource is reached, and a VPC would add NAT cost without reducing exposure.
  #checkov:skip=CKV_AWS_116:Invoked synchronously (crm_api) or by EventBridge Scheduler, whose retry policy and schedule-level DLQ handle failed async events.
  #checkov:skip=CKV_AWS_272:Code signing needs AWS Signer profiles per account; artifacts are versioned and published by CI to the KMS-encrypted artifacts bucket.
  for_each = local.function_names

  function_name                  = each.value
  description                    = "c360 ${each.key} (${var.artifact_version})"
  role                           = aws_iam_role.lambda[each.key].arn
  runtime                        = var.lambda_runtime
  handler                        = var.lambda_handler
  s3_bucket                      = var.artifacts_bucket
  s3_key                         = module.artifacts.lambda_keys[each.key]
  memory_size                    = var.lambda_memory_mb
  timeout                        = var.lambda_timeout_seconds
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = merge(local.environment[each.key], {
      C360_PREFIX           = var.prefix
      C360_ARTIFACT_VERSION = var.artifact_version
    })
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.lambda[each.key].name
  }

  tags = merge(var.tags, { artifact_version = var.artifact_version })

  depends_on = [aws_iam_role_policy.lambda]
}

# --- Schedules -----------------------------------------------------------------

resource "aws_iam_role" "scheduler" {
  count = length(var.schedules) > 0 ? 1 : 0

  name = "${var.prefix}-ingestion-scheduler"
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

  name = "invoke-scheduled-functions"
  role = aws_iam_role.scheduler[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeScheduledFunctions"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [for f in keys(var.schedules) : local.function_arns[f]]
      },
      {
        Sid      = "UseLakeKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.kms_key_arn
      },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  for_each = var.schedules

  name                         = local.function_names[each.key]
  description                  = "Runs ${each.key} on ${each.value}"
  schedule_expression          = each.value
  schedule_expression_timezone = var.schedule_timezone
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.this[each.key].arn
    role_arn = aws_iam_role.scheduler[0].arn
    input    = jsonencode({ source = "schedule", schedule = each.key })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }
  }
}
