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
  run_control_function_name = "${var.prefix}-run-control"
  run_control_function_arn  = "arn:${local.partition}:lambda:${local.region}:${local.account_id}:function:${local.run_control_function_name}"

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

  # The module lambda_function adds WriteOwnLogs (its own log group) and
  # XRayWriteNoResourceLevel in front of these.
  run_control_statements = [
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

module "run_control" {
  source = "../lambda_function"

  name                 = local.run_control_function_name
  description          = "c360 run_control: logical date and run lock of every pipeline execution"
  artifact_version     = var.artifact_version
  artifacts_bucket     = var.artifacts_bucket
  s3_key               = module.artifacts.lambda_keys["run_control"]
  runtime              = var.lambda_runtime
  handler              = var.lambda_handler
  memory_mb            = var.lambda_memory_mb
  timeout_seconds      = var.lambda_timeout_seconds
  reserved_concurrency = var.lambda_reserved_concurrency
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  environment          = local.run_control_environment
  policy_statements    = local.run_control_statements
  tags                 = var.tags
}

moved {
  from = aws_cloudwatch_log_group.run_control
  to   = module.run_control.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.run_control
  to   = module.run_control.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.run_control
  to   = module.run_control.aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.run_control
  to   = module.run_control.aws_lambda_function.this
}
