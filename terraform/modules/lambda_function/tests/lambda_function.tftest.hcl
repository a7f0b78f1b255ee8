# One Lambda function with its log group, role and inline policy — asserted on
# the plan with a mocked AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  name                 = "c360-test-example"
  description          = "c360 example"
  artifact_version     = "0.1.0+abc1234"
  artifacts_bucket     = "c360-test-artifacts"
  s3_key               = "lambdas/0.1.0+abc1234/example.zip"
  reserved_concurrency = 2
  kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  environment          = { C360_PREFIX = "c360-test" }
  tags                 = { team = "data" }
  policy_statements = [
    {
      Sid      = "ReadTable"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem"]
      Resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/c360-test-t"
    },
    {
      Sid       = "ListPrefix"
      Effect    = "Allow"
      Action    = ["s3:ListBucket"]
      Resource  = ["arn:aws:s3:::c360-test-raw"]
      Condition = { StringLike = { "s3:prefix" = ["a/*"] } }
    },
  ]
}

run "function_runs_the_zip_with_the_given_settings" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.function_name == "c360-test-example" && output.function_name == "c360-test-example"
    error_message = "The function is named var.name."
  }

  assert {
    condition     = aws_lambda_function.this.description == "c360 example (0.1.0+abc1234)"
    error_message = "The description ends with the artifact version."
  }

  assert {
    condition     = aws_lambda_function.this.s3_bucket == "c360-test-artifacts" && aws_lambda_function.this.s3_key == "lambdas/0.1.0+abc1234/example.zip" && output.function_s3_bucket == "c360-test-artifacts" && output.function_s3_key == "lambdas/0.1.0+abc1234/example.zip"
    error_message = "The code is s3://artifacts_bucket/s3_key."
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.11" && aws_lambda_function.this.handler == "handler.handler" && output.function_runtime == "python3.11" && output.function_handler == "handler.handler"
    error_message = "Defaults: python3.11, handler.handler."
  }

  assert {
    condition     = aws_lambda_function.this.memory_size == 256 && aws_lambda_function.this.timeout == 30 && aws_lambda_function.this.reserved_concurrent_executions == 2 && output.function_memory_size == 256 && output.function_timeout == 30 && output.function_reserved_concurrent_executions == 2
    error_message = "Defaults: 256 MB, 30 s; reserved concurrency as given."
  }

  assert {
    condition     = aws_lambda_function.this.kms_key_arn == var.kms_key_arn && output.function_kms_key_arn == var.kms_key_arn && one(aws_lambda_function.this.tracing_config).mode == "Active" && output.function_tracing_mode == "Active"
    error_message = "The environment is encrypted with the CMK and X-Ray tracing is Active."
  }

  assert {
    condition     = one(aws_lambda_function.this.environment).variables == tomap({ C360_PREFIX = "c360-test" }) && output.function_environment == tomap({ C360_PREFIX = "c360-test" })
    error_message = "The environment is exactly var.environment."
  }

  assert {
    condition     = output.function_logging_config == { log_format = "JSON", log_group = "/aws/lambda/c360-test-example" }
    error_message = "The function logs JSON to its own log group."
  }

  assert {
    condition     = aws_lambda_function.this.tags == tomap({ team = "data", artifact_version = "0.1.0+abc1234" }) && output.function_tags == tomap({ team = "data", artifact_version = "0.1.0+abc1234" })
    error_message = "The function carries var.tags and artifact_version."
  }
}

run "log_group_is_encrypted_and_kept_a_year" {
  command = plan

  assert {
    condition     = output.log_group_name == "/aws/lambda/c360-test-example" && output.log_group_retention_in_days == 365 && output.log_group_kms_key_id == var.kms_key_arn
    error_message = "Log group /aws/lambda/<name>, 365 days by default, CMK-encrypted."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.tags == tomap({ team = "data" })
    error_message = "The log group carries var.tags."
  }
}

run "role_is_assumed_by_lambda_of_this_account_only" {
  command = plan

  assert {
    condition     = aws_iam_role.this.name == "c360-test-example-lambda" && output.role_name == "c360-test-example-lambda"
    error_message = "The role is <name>-lambda."
  }

  assert {
    condition = jsondecode(output.role_assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Principal = { Service = "lambda.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
      }]
    }
    error_message = "Only lambda.amazonaws.com of this account assumes the role."
  }
}

run "inline_policy_is_own_logs_xray_then_the_given_statements" {
  command = plan

  assert {
    condition     = aws_iam_role_policy.this.name == "least-privilege"
    error_message = "The inline policy is least-privilege."
  }

  assert {
    condition = jsondecode(output.role_policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "WriteOwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/c360-test-example:*"
        },
        {
          Sid      = "XRayWriteNoResourceLevel"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = "*"
        },
        {
          Sid      = "ReadTable"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem"]
          Resource = "arn:aws:dynamodb:eu-west-1:123456789012:table/c360-test-t"
        },
        {
          Sid       = "ListPrefix"
          Effect    = "Allow"
          Action    = ["s3:ListBucket"]
          Resource  = ["arn:aws:s3:::c360-test-raw"]
          Condition = { StringLike = { "s3:prefix" = ["a/*"] } }
        },
      ]
    }
    error_message = "The policy is WriteOwnLogs (own log group), XRayWriteNoResourceLevel, then policy_statements exactly as given."
  }
}

run "no_environment_sets_no_environment_block" {
  command = plan

  variables {
    environment       = {}
    policy_statements = []
  }

  assert {
    condition     = length(aws_lambda_function.this.environment) == 0 && output.function_environment == tomap({})
    error_message = "An empty environment sets no environment block."
  }

  assert {
    condition     = [for s in jsondecode(output.role_policy).Statement : s.Sid] == ["WriteOwnLogs", "XRayWriteNoResourceLevel"]
    error_message = "Without statements the role may only write its logs and traces."
  }
}

run "reserved_sid_is_rejected" {
  command = plan

  variables {
    policy_statements = [{ Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:PutLogEvents"], Resource = "*" }]
  }

  expect_failures = [var.policy_statements]
}

run "statement_without_resource_is_rejected" {
  command = plan

  variables {
    policy_statements = [{ Sid = "NoResource", Effect = "Allow", Action = ["s3:GetObject"] }]
  }

  expect_failures = [var.policy_statements]
}

run "reserved_environment_key_is_rejected" {
  command = plan

  variables {
    environment = { AWS_REGION = "eu-west-1" }
  }

  expect_failures = [var.environment]
}

run "zero_reserved_concurrency_is_rejected" {
  command = plan

  variables {
    reserved_concurrency = 0
  }

  expect_failures = [var.reserved_concurrency]
}

run "role_name_over_64_characters_is_rejected" {
  command = plan

  variables {
    name = "c360-test-a-function-name-that-is-far-too-long-for-its-role-name"
  }

  expect_failures = [var.name]
}
