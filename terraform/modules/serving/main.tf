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

  # The module lambda_function adds WriteOwnLogs (its log group) and
  # XRayWriteNoResourceLevel in front of these.
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

module "profile_api" {
  source = "../lambda_function"

  name                 = local.function_name
  description          = "c360 profile API"
  artifact_version     = var.artifact_version
  artifacts_bucket     = var.artifacts_bucket
  s3_key               = module.artifacts.lambda_keys["profile_api"]
  runtime              = var.lambda_runtime
  handler              = var.lambda_handler
  memory_mb            = var.lambda_memory_mb
  timeout_seconds      = 10
  reserved_concurrency = var.lambda_reserved_concurrency
  kms_key_arn          = var.kms_key_arn
  log_retention_days   = var.log_retention_days
  policy_statements    = local.api_statements
  tags                 = var.tags

  environment = {
    C360_PREFIX           = var.prefix
    C360_PROFILES_TABLE   = aws_dynamodb_table.this.name
    C360_ARTIFACT_VERSION = var.artifact_version
  }
}

moved {
  from = aws_cloudwatch_log_group.this
  to   = module.profile_api.aws_cloudwatch_log_group.this
}

moved {
  from = aws_iam_role.this
  to   = module.profile_api.aws_iam_role.this
}

moved {
  from = aws_iam_role_policy.this
  to   = module.profile_api.aws_iam_role_policy.this
}

moved {
  from = aws_lambda_function.this
  to   = module.profile_api.aws_lambda_function.this
}

resource "aws_lambda_function_url" "this" {
  function_name      = module.profile_api.function_name
  authorization_type = var.function_url_auth_type
}

resource "aws_lambda_permission" "invoke_url" {
  for_each = var.function_url_auth_type == "AWS_IAM" ? toset(var.api_invoker_arns) : toset([])

  statement_id           = "AllowInvokeUrl${substr(sha1(each.key), 0, 12)}"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = module.profile_api.function_name
  principal              = each.key
  function_url_auth_type = "AWS_IAM"
}

# Function URLs created since October 2025 also need lambda:InvokeFunction for their
# callers (AWS Lambda's "Control access to Lambda function URLs"); without it every call
# is refused with 403. Provider 5.100 cannot limit it to calls made through the URL
# (the API's InvokedViaFunctionUrl), so the invokers may also call the function
# directly, which answers the same.
resource "aws_lambda_permission" "invoke_function" {
  for_each = var.function_url_auth_type == "AWS_IAM" ? toset(var.api_invoker_arns) : toset([])

  statement_id  = "AllowInvoke${substr(sha1(each.key), 0, 12)}"
  action        = "lambda:InvokeFunction"
  function_name = module.profile_api.function_name
  principal     = each.key
}
