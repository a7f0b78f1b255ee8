# The run_control Lambda: the first and last state of every state machine
# (`c360.orchestration.run_control`, `lambdas/run_control/handler.py`). `start`
# derives the execution's logical date from EventBridge Scheduler's
# `scheduled_time` (or takes the input's `logical_date`) and takes the
# environment's run lock; `finish` gives the lock back. The lock is one item of
# the locks table (the serving module's profiles table in the stack):
# `pk = LOCK#<environment>`, `sk = run`, written with conditional
# PutItem/DeleteItem (`c360.locking.DynamoDBLock`) and carrying a lease
# (`run_lease_seconds`).

module "artifacts" {
  source = "../artifact_layout"

  artifacts_bucket = var.artifacts_bucket
  artifact_version = var.artifact_version
}

locals {
  run_control_function_name  = "${var.prefix}-run-control"
  run_control_function_arn   = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.run_control_function_name}"
  run_control_log_group_name = "/aws/lambda/${local.run_control_function_name}"
  run_control_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.run_control_log_group_name}"

  # The lock environment (C360_ENV) is the prefix: it already names one
  # deployment (c360-dev, c360-prod) and is unique per account, so two stacks
  # sharing a table never share a lock. An erasure of the same deployment must
  # take its lock under the same name (erase job: --c360-environment <prefix>).
  lock_environment   = var.prefix
  lock_partition_key = "LOCK#${local.lock_environment}"

  # Exactly what c360.orchestration.run_control and c360.logs read.
  run_control_environment = {
    C360_ENV               = local.lock_environment
    C360_LOCKS_TABLE       = var.locks_table_name
    C360_RUN_LEASE_SECONDS = tostring(var.run_lease_seconds)
    C360_LOG_LEVEL         = var.lambda_log_level
  }

  run_control_statements = [
    {
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${local.run_control_log_group_arn}:*"
    },
    {
      # X-Ray has no resource-level permissions.
      Sid      = "XRayWriteNoResourceLevel"
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      Resource = "*"
    },
    {
      # c360.locking.DynamoDBLock: GetItem (holder), conditional PutItem (take,
      # refresh), conditional DeleteItem (release), Query pk = LOCK#<env> (is an
      # erasure of the environment live?). Only items of this environment's lock
      # partition: never a profile, never another environment's lock.
      Sid      = "RunLockItemsOfThisEnvironmentOnly"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"]
      Resource = var.locks_table_arn
      Condition = {
        "ForAllValues:StringEquals" = { "dynamodb:LeadingKeys" = [local.lock_partition_key] }
      }
    },
    {
      # The Lambda environment and the lock items read back (the table is
      # encrypted with the lake CMK).
      Sid      = "DecryptEnvironmentAndLockItems"
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = var.kms_key_arn
    },
    {
      # Writing lock items to the CMK-encrypted table; only through DynamoDB.
      Sid       = "EncryptLockItemsThroughDynamoDB"
      Effect    = "Allow"
      Action    = ["kms:Encrypt", "kms:GenerateDataKey"]
      Resource  = var.kms_key_arn
      Condition = { StringEquals = { "kms:ViaService" = "dynamodb.${local.region}.${data.aws_partition.current.dns_suffix}" } }
    },
  ]
}

resource "aws_cloudwatch_log_group" "run_control" {
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (365 by default and in dev/prod); only envs/local shortens it for the throwaway emulator.
  name              = local.run_control_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "run_control" {
  name = "${local.run_control_function_name}-lambda"
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

resource "aws_iam_role_policy" "run_control" {
  name = "least-privilege"
  role = aws_iam_role.run_control.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.run_control_statements
  })
}

resource "aws_lambda_function" "run_control" {
  #checkov:skip=CKV_AWS_117:The function calls only DynamoDB through its public regional endpoint with IAM auth; a VPC adds NAT/endpoint cost without reducing exposure.
  #checkov:skip=CKV_AWS_116:Invoked synchronously by the state machines (lambda:invoke tasks with Retry/Catch); there are no async events to dead-letter.
  #checkov:skip=CKV_AWS_272:Code signing needs AWS Signer profiles per account; artifacts are versioned and published by CI to the KMS-encrypted artifacts bucket.
  function_name                  = local.run_control_function_name
  description                    = "c360 run_control: logical date and run lock of every pipeline execution (${var.artifact_version})"
  role                           = aws_iam_role.run_control.arn
  runtime                        = var.lambda_runtime
  handler                        = var.lambda_handler
  s3_bucket                      = var.artifacts_bucket
  s3_key                         = module.artifacts.lambda_keys["run_control"]
  memory_size                    = var.lambda_memory_mb
  timeout                        = var.lambda_timeout_seconds
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = local.run_control_environment
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.run_control.name
  }

  tags = merge(var.tags, { artifact_version = var.artifact_version })

  depends_on = [aws_iam_role_policy.run_control]
}
