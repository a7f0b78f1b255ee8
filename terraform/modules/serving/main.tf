data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

module "artifacts" {
  source = "../artifact_layout"

  artifacts_bucket = var.artifacts_bucket
  artifact_version = var.artifact_version
}

locals {
  account_id    = data.aws_caller_identity.current.account_id
  partition     = data.aws_partition.current.partition
  region        = data.aws_region.current.name
  table_name    = "${var.prefix}-customer-profiles"
  table_arn     = "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}:table/${local.table_name}"
  function_name = "${var.prefix}-profile-api"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/lambda/${local.function_name}"

  api_statements = [
    {
      # c360.serving.api: GetItem (by id), Query (a lookup partition), then
      # BatchGetItem (the profiles of the customers found by email/phone).
      Sid      = "ReadProfiles"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"]
      Resource = local.table_arn
    },
    {
      Sid      = "DecryptTableAndEnvironment"
      Effect   = "Allow"
      Action   = ["kms:Decrypt"]
      Resource = var.kms_key_arn
    },
    {
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${local.log_group_arn}:*"
    },
    {
      # X-Ray has no resource-level permissions.
      Sid      = "XRayWriteNoResourceLevel"
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      Resource = "*"
    },
  ]
}

# --- Profiles table ------------------------------------------------------------

resource "aws_dynamodb_table" "this" {
  name                        = local.table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}

# --- Profile API -----------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (365 by default and in dev/prod); only envs/local shortens it for the throwaway emulator.
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name = "${local.function_name}-lambda"
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
    Statement = local.api_statements
  })
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The API reads DynamoDB through its public regional endpoint with IAM auth; a VPC adds NAT/endpoint cost without reducing exposure.
  #checkov:skip=CKV_AWS_116:Invoked synchronously through its function URL; there are no async events to dead-letter.
  #checkov:skip=CKV_AWS_272:Code signing needs AWS Signer profiles per account; artifacts are versioned and published by CI to the KMS-encrypted artifacts bucket.
  function_name                  = local.function_name
  description                    = "c360 profile API (${var.artifact_version})"
  role                           = aws_iam_role.this.arn
  runtime                        = var.lambda_runtime
  handler                        = var.lambda_handler
  s3_bucket                      = var.artifacts_bucket
  s3_key                         = module.artifacts.lambda_keys["profile_api"]
  memory_size                    = var.lambda_memory_mb
  timeout                        = 10
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = {
      C360_PREFIX           = var.prefix
      C360_PROFILES_TABLE   = aws_dynamodb_table.this.name
      C360_ARTIFACT_VERSION = var.artifact_version
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

resource "aws_lambda_function_url" "this" {
  function_name      = aws_lambda_function.this.function_name
  authorization_type = var.function_url_auth_type
}

resource "aws_lambda_permission" "invoke_url" {
  for_each = var.function_url_auth_type == "AWS_IAM" ? toset(var.api_invoker_arns) : toset([])

  statement_id           = "AllowInvokeUrl${substr(sha1(each.key), 0, 12)}"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.this.function_name
  principal              = each.key
  function_url_auth_type = "AWS_IAM"
}
