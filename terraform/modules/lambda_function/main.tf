data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id     = data.aws_caller_identity.current.account_id
  partition      = data.aws_partition.current.partition
  region         = data.aws_region.current.name
  log_group_name = "/aws/lambda/${var.name}"
  # Built from its parts (not aws_cloudwatch_log_group.this.arn) so the policy is
  # known at plan time.
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"

  # What every function needs for the settings below: JSON logs into its own log
  # group (CreateLogGroup is not granted: Terraform owns the group) and X-Ray
  # tracing (Active), which has no resource-level permissions.
  base_statements = [
    {
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${local.log_group_arn}:*"
    },
    {
      Sid      = "XRayWriteNoResourceLevel"
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      Resource = "*"
    },
  ]
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (365 by default and in dev/prod); only envs/local shortens it for the throwaway emulator.
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name = "${var.name}-lambda"
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

resource "aws_iam_role_policy" "this" {
  name = "least-privilege"
  role = aws_iam_role.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.base_statements, var.policy_statements)
  })
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:c360's functions reach only AWS APIs (public regional endpoints, IAM auth) and the simulated CRM API, no VPC resource; a VPC adds NAT/endpoint cost without reducing exposure.
  #checkov:skip=CKV_AWS_116:c360's functions are invoked synchronously (function URL, state machine lambda:invoke tasks with Retry/Catch, crm_ingest calling crm_api) or by EventBridge Scheduler, whose retry policy handles failed async invocations.
  #checkov:skip=CKV_AWS_272:Code signing needs AWS Signer profiles per account; artifacts are versioned and published by CI to the KMS-encrypted artifacts bucket.
  function_name                  = var.name
  description                    = "${var.description} (${var.artifact_version})"
  role                           = aws_iam_role.this.arn
  runtime                        = var.runtime
  handler                        = var.handler
  s3_bucket                      = var.artifacts_bucket
  s3_key                         = var.s3_key
  memory_size                    = var.memory_mb
  timeout                        = var.timeout_seconds
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  dynamic "environment" {
    for_each = length(var.environment) > 0 ? [var.environment] : []
    content {
      variables = environment.value
    }
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = merge(var.tags, { artifact_version = var.artifact_version })

  depends_on = [aws_iam_role_policy.this]
}
