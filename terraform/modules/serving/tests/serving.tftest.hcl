# Profiles table and profile API — asserted on the plan with a mocked provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix           = "c360-test"
  artifact_version = "0.1.0+abc1234"
  artifacts_bucket = "c360-test-artifacts"
  kms_key_arn      = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

run "profiles_table_is_keyed_encrypted_and_recoverable" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.name == "c360-test-customer-profiles"
    error_message = "The table is <prefix>-customer-profiles."
  }

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "pk" && aws_dynamodb_table.this.range_key == "sk" && { for a in aws_dynamodb_table.this.attribute : a.name => a.type } == { pk = "S", sk = "S" }
    error_message = "Keys are pk/sk strings."
  }

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "The table is on-demand."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.point_in_time_recovery).enabled == true
    error_message = "PITR must be on."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.server_side_encryption).enabled == true && one(aws_dynamodb_table.this.server_side_encryption).kms_key_arn == var.kms_key_arn
    error_message = "SSE must use the lake CMK."
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled == true
    error_message = "Deletion protection is on by default."
  }
}

run "profile_api_url_requires_iam_by_default" {
  command = plan

  assert {
    condition     = aws_lambda_function_url.this.authorization_type == "AWS_IAM"
    error_message = "The function URL must default to AWS_IAM auth."
  }

  assert {
    condition     = module.profile_api.function_s3_key == "lambdas/0.1.0+abc1234/profile_api.zip" && module.profile_api.function_name == "c360-test-profile-api"
    error_message = "The API runs lambdas/<version>/profile_api.zip as <prefix>-profile-api."
  }
}

run "api_callers_get_invoke_url_and_invoke_function" {
  command = plan

  variables {
    api_invoker_arns = ["arn:aws:iam::123456789012:role/profile-consumer"]
  }

  assert {
    condition     = length(aws_lambda_permission.invoke_url) == 1 && alltrue([for p in aws_lambda_permission.invoke_url : p.action == "lambda:InvokeFunctionUrl" && p.function_url_auth_type == "AWS_IAM"])
    error_message = "Callers get lambda:InvokeFunctionUrl with AWS_IAM auth."
  }

  assert {
    condition     = length(aws_lambda_permission.invoke_function) == 1 && alltrue([for k, p in aws_lambda_permission.invoke_function : p.action == "lambda:InvokeFunction" && p.principal == k && p.principal == one(keys(aws_lambda_permission.invoke_url))])
    error_message = "The same callers also get lambda:InvokeFunction, which function URLs created since October 2025 require."
  }
}

run "iam_is_read_only_on_the_table" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(module.profile_api.role_policy).Statement : [
        for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
      ]
    ]))
    error_message = "No IAM statement may allow a wildcard action."
  }

  assert {
    condition     = toset(flatten([for s in jsondecode(module.profile_api.role_policy).Statement : s.Action if s.Sid == "ReadProfiles"])) == toset(["dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"])
    error_message = "The API may only read profiles: GetItem by id, Query a lookup partition, BatchGetItem the customers it names."
  }

  assert {
    condition     = alltrue([for s in jsondecode(module.profile_api.role_policy).Statement : !contains(flatten([s.Resource]), "*") || endswith(s.Sid, "NoResourceLevel")])
    error_message = "Resource \"*\" only where the API has no resource-level permissions."
  }
}

run "unknown_auth_type_is_rejected" {
  command = plan

  variables {
    function_url_auth_type = "COGNITO"
  }

  expect_failures = [var.function_url_auth_type]
}
