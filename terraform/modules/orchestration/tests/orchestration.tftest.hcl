# State machines rendered from ASL files, their schedules and role, and the
# run_control Lambda that opens and closes every execution — asserted on the
# plan with a mocked AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix          = "c360-test"
  definitions_dir = "tests/fixtures/stepfunctions"
  kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  substitutions = {
    lambda_crm_ingest_arn = "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-crm-ingest"
    glue_job_conform      = "c360-test-conform"
    athena_workgroup      = "c360-test-analytics"
  }
  lambda_function_arns = ["arn:aws:lambda:eu-west-1:123456789012:function:c360-test-crm-ingest"]
  glue_job_arns        = ["arn:aws:glue:eu-west-1:123456789012:job/c360-test-conform"]
  emr_application_arns = ["arn:aws:emr-serverless:eu-west-1:123456789012:/applications/00abc"]
  emr_job_role_arn     = "arn:aws:iam::123456789012:role/c360-test-emr-serverless-job"
  athena = {
    workgroup_arn       = "arn:aws:athena:eu-west-1:123456789012:workgroup/c360-test-analytics"
    read_bucket_names   = ["c360-test-stage"]
    write_bucket_names  = ["c360-test-analytics"]
    glue_database_names = ["c360_test_stage", "c360_test_analytics"]
  }
  artifacts_bucket = "c360-test-artifacts"
  artifact_version = "0.1.0+abc1234"
  locks_table_name = "c360-test-customer-profiles"
  locks_table_arn  = "arn:aws:dynamodb:eu-west-1:123456789012:table/c360-test-customer-profiles"
}

run "one_state_machine_per_asl_file_with_placeholders_rendered" {
  command = plan

  assert {
    condition     = { for k, s in aws_sfn_state_machine.this : k => s.name } == { daily = "c360-test-daily", hourly = "c360-test-hourly", weekly = "c360-test-weekly" }
    error_message = "Each <name>.asl.json becomes state machine <prefix>-<name>."
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this["hourly"].definition).States.IngestCrm.Parameters.FunctionName == "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-crm-ingest"
    error_message = "ASL placeholders must be replaced by the substitutions map."
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this["daily"].definition).States.Failed.Parameters.TopicArn == "arn:aws:sns:eu-west-1:123456789012:c360-test-pipeline-alerts"
    error_message = "The module fills $${alerts_topic_arn} with its own alerts topic."
  }

  assert {
    condition     = aws_sns_topic.alerts.kms_master_key_id == var.kms_key_arn
    error_message = "The alerts topic is encrypted with the CMK."
  }

  assert {
    condition     = alltrue([for s in aws_sfn_state_machine.this : !strcontains(s.definition, "$${")])
    error_message = "No placeholder may survive rendering."
  }

  assert {
    condition     = alltrue([for s in aws_sfn_state_machine.this : one(s.logging_configuration).level == "ALL" && one(s.tracing_configuration).enabled && one(s.encryption_configuration).type == "CUSTOMER_MANAGED_KMS_KEY"])
    error_message = "State machines log, trace and encrypt with the CMK."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_cloudwatch_log_group.this.retention_in_days == 365
    error_message = "The log group is CMK-encrypted with a retention."
  }
}

run "schedules_target_hourly_daily_weekly" {
  command = plan

  assert {
    condition     = { for k, s in aws_scheduler_schedule.this : k => s.schedule_expression } == { hourly = "rate(1 hour)", daily = "cron(0 3 * * ? *)", weekly = "cron(0 4 ? * MON *)" }
    error_message = "Default schedules: hourly, daily, weekly."
  }

  assert {
    condition     = jsondecode(one(aws_scheduler_schedule.this["daily"].target).input) == { scheduled_time = "<aws.scheduler.scheduled-time>" }
    error_message = "Scheduled executions carry the scheduled time for the ASL to derive logical_date."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement[0].Action == ["states:StartExecution"] && length(jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement[0].Resource) == 3
    error_message = "The scheduler role may only start the three scheduled state machines."
  }

  assert {
    condition = [for st in jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement : st if st.Sid == "EncryptScheduledExecutionInput"] == [{
      Sid       = "EncryptScheduledExecutionInput"
      Effect    = "Allow"
      Action    = ["kms:GenerateDataKey"]
      Resource  = var.kms_key_arn
      Condition = { StringEquals = { "kms:EncryptionContext:aws:states:stateMachineArn" = jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement[0].Resource } }
    }]
    error_message = "StartExecution on a CMK-encrypted state machine encrypts its input: the scheduler role may generate data keys of the CMK for the scheduled state machines only."
  }
}

run "role_is_least_privilege" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for p in [aws_iam_role_policy.this.policy, aws_iam_role_policy.scheduler[0].policy, module.run_control.role_policy] : [
        for s in jsondecode(p).Statement : [
          for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
        ]
      ]
    ]))
    error_message = "No IAM statement may allow a wildcard action."
  }

  assert {
    condition = alltrue(flatten([
      for p in [aws_iam_role_policy.this.policy, aws_iam_role_policy.scheduler[0].policy, module.run_control.role_policy] : [
        for s in jsondecode(p).Statement : !contains(flatten([s.Resource]), "*") || endswith(s.Sid, "NoResourceLevel")
      ]
    ]))
    error_message = "Resource \"*\" only where the API has no resource-level permissions."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s if s.Sid == "PassEmrJobRole"]).Condition.StringEquals["iam:PassedToService"] == "emr-serverless.amazonaws.com"
    error_message = "iam:PassRole is limited to EMR Serverless."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Action if s.Sid == "LakeFormationDataAccessNoResourceLevel"]) == ["lakeformation:GetDataAccess"]
    error_message = "Athena runs on Lake Formation-registered buckets: the role may get Lake Formation's vended data access, nothing more from Lake Formation."
  }
}

run "role_drops_statements_for_absent_services" {
  command = plan

  variables {
    lambda_function_arns = []
    glue_job_arns        = []
    emr_application_arns = []
    athena               = null
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s if can(regex("Glue|Emr|Athena|LakeFormation", s.Sid))]) == 0
    error_message = "No Glue/EMR/Athena permission without such resources."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Resource if s.Sid == "InvokePipelineLambdas"]) == [
      "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-run-control",
      "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-run-control:*",
    ]
    error_message = "Without other functions the state machines may still invoke run_control (and only it)."
  }
}

# --- run_control --------------------------------------------------------------------

run "run_control_lambda_runs_the_published_zip_with_the_lock_settings" {
  command = plan

  assert {
    condition     = module.run_control.function_name == "c360-test-run-control"
    error_message = "The function is <prefix>-run-control."
  }

  assert {
    condition     = module.run_control.function_handler == "handler.handler" && module.run_control.function_runtime == "python3.11"
    error_message = "run_control runs lambdas/run_control/handler.py (handler.handler) on python3.11."
  }

  assert {
    condition     = module.run_control.function_s3_bucket == "c360-test-artifacts" && module.run_control.function_s3_key == "lambdas/0.1.0+abc1234/run_control.zip"
    error_message = "The code is the published zip lambdas/<version>/run_control.zip (artifact_layout)."
  }

  assert {
    condition = module.run_control.function_environment == tomap({
      C360_ENV               = "c360-test"
      C360_LOCKS_TABLE       = "c360-test-customer-profiles"
      C360_RUN_LEASE_SECONDS = "21600"
      C360_LOG_LEVEL         = "INFO"
    })
    error_message = "run_control gets exactly C360_ENV (the prefix), C360_LOCKS_TABLE, C360_RUN_LEASE_SECONDS (6 h by default) and C360_LOG_LEVEL."
  }

  assert {
    condition     = module.run_control.function_memory_size == 256 && module.run_control.function_timeout == 30 && module.run_control.function_reserved_concurrent_executions == 5
    error_message = "Defaults: 256 MB, 30 s, reserved concurrency 5."
  }

  assert {
    condition     = module.run_control.function_kms_key_arn == var.kms_key_arn && module.run_control.function_tracing_mode == "Active"
    error_message = "The environment is encrypted with the CMK and X-Ray tracing is on."
  }

  assert {
    condition     = module.run_control.function_logging_config.log_group == "/aws/lambda/c360-test-run-control" && module.run_control.function_logging_config.log_format == "JSON"
    error_message = "run_control logs JSON to its own log group."
  }

  assert {
    condition     = module.run_control.log_group_name == "/aws/lambda/c360-test-run-control" && module.run_control.log_group_retention_in_days == 365 && module.run_control.log_group_kms_key_id == var.kms_key_arn
    error_message = "The log group is CMK-encrypted with a retention."
  }

  assert {
    condition     = module.run_control.function_tags["artifact_version"] == "0.1.0+abc1234"
    error_message = "The function is tagged with the build it runs."
  }
}

run "run_control_role_touches_only_its_environment_lock_items" {
  command = plan

  assert {
    condition     = [for s in jsondecode(module.run_control.role_policy).Statement : s.Sid] == ["WriteOwnLogs", "XRayWriteNoResourceLevel", "RunLockItemsOfThisEnvironmentOnly", "DecryptEnvironmentAndLockItems", "EncryptLockItemsThroughDynamoDB"]
    error_message = "run_control's role: its logs, X-Ray, the lock items, the CMK; nothing else."
  }

  assert {
    condition = one([for s in jsondecode(module.run_control.role_policy).Statement : s if s.Sid == "RunLockItemsOfThisEnvironmentOnly"]) == {
      Sid       = "RunLockItemsOfThisEnvironmentOnly"
      Effect    = "Allow"
      Action    = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"]
      Resource  = "arn:aws:dynamodb:eu-west-1:123456789012:table/c360-test-customer-profiles"
      Condition = { "ForAllValues:StringEquals" = { "dynamodb:LeadingKeys" = ["LOCK#c360-test"] } }
    }
    error_message = "GetItem/PutItem/DeleteItem/Query on the locks table only, limited to partition LOCK#<prefix> (dynamodb:LeadingKeys)."
  }

  assert {
    condition     = one([for s in jsondecode(module.run_control.role_policy).Statement : s.Resource if s.Sid == "WriteOwnLogs"]) == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/c360-test-run-control:*"
    error_message = "run_control writes only to its own log group."
  }

  assert {
    condition = one([for s in jsondecode(module.run_control.role_policy).Statement : s if s.Sid == "EncryptLockItemsThroughDynamoDB"]) == {
      Sid       = "EncryptLockItemsThroughDynamoDB"
      Effect    = "Allow"
      Action    = ["kms:Encrypt", "kms:GenerateDataKey"]
      Resource  = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
      Condition = { StringEquals = { "kms:ViaService" = "dynamodb.eu-west-1.amazonaws.com" } }
    }
    error_message = "The CMK encrypts lock items only through DynamoDB."
  }

  assert {
    condition     = one([for s in jsondecode(module.run_control.role_policy).Statement : s if s.Sid == "DecryptEnvironmentAndLockItems"]).Action == ["kms:Decrypt"] && one([for s in jsondecode(module.run_control.role_policy).Statement : s if s.Sid == "DecryptEnvironmentAndLockItems"]).Resource == var.kms_key_arn
    error_message = "kms:Decrypt on the lake CMK only."
  }

  assert {
    condition     = jsondecode(module.run_control.role_assume_role_policy).Statement[0].Principal == { Service = "lambda.amazonaws.com" } && jsondecode(module.run_control.role_assume_role_policy).Statement[0].Condition == { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    error_message = "Only Lambda of this account assumes run_control's role."
  }
}

run "state_machines_open_and_close_runs_with_run_control" {
  command = plan

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this["hourly"].definition).States.StartRun.Parameters.FunctionName == "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-run-control" && jsondecode(aws_sfn_state_machine.this["hourly"].definition).States.FinishRun.Parameters.FunctionName == "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-run-control"
    error_message = "The module fills $${lambda_run_control_arn} with its own run_control function."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Resource if s.Sid == "InvokePipelineLambdas"]) == [
      "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-crm-ingest",
      "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-run-control",
      "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-crm-ingest:*",
      "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-run-control:*",
    ]
    error_message = "The state machines may invoke the given functions and run_control (unqualified and qualified ARNs), nothing else."
  }
}

run "run_control_lease_and_log_level_are_configurable" {
  command = plan

  variables {
    run_lease_seconds   = 3600
    job_timeout_minutes = 30
    lambda_log_level    = "DEBUG"
  }

  assert {
    condition     = module.run_control.function_environment["C360_RUN_LEASE_SECONDS"] == "3600" && module.run_control.function_environment["C360_LOG_LEVEL"] == "DEBUG"
    error_message = "run_lease_seconds and lambda_log_level reach C360_RUN_LEASE_SECONDS and C360_LOG_LEVEL."
  }
}

run "run_lease_below_15_minutes_is_rejected" {
  command = plan

  variables {
    run_lease_seconds = 60
  }

  expect_failures = [var.run_lease_seconds]
}

run "the_job_timeout_fills_its_placeholder" {
  command = plan

  variables {
    job_timeout_minutes = 90
    run_lease_seconds   = 10800
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this["weekly"].definition).States.Segments.Parameters["ExecutionTimeoutMinutes.$"] == "States.StringToJson('90')"
    error_message = "The module fills $${job_timeout_minutes} with job_timeout_minutes (each EMR job run's ExecutionTimeoutMinutes)."
  }
}

run "a_lease_shorter_than_twice_the_job_timeout_is_rejected" {
  command = plan

  variables {
    job_timeout_minutes = 120
    run_lease_seconds   = 14399
  }

  expect_failures = [var.run_lease_seconds]
}

run "run_lease_above_a_day_is_rejected" {
  command = plan

  variables {
    run_lease_seconds = 90000
  }

  expect_failures = [var.run_lease_seconds]
}

run "step_functions_log_level_is_not_a_lambda_log_level" {
  command = plan

  variables {
    lambda_log_level = "ALL"
  }

  expect_failures = [var.lambda_log_level]
}

run "locks_table_arn_must_be_a_dynamodb_table" {
  command = plan

  variables {
    locks_table_arn = "arn:aws:s3:::c360-test-customer-profiles"
  }

  expect_failures = [var.locks_table_arn]
}

run "schedule_to_missing_state_machine_fails" {
  command = plan

  variables {
    schedules = { monthly = { state_machine = "monthly", expression = "cron(0 5 1 * ? *)" } }
  }

  expect_failures = [aws_scheduler_schedule.this]
}

run "invalid_log_level_is_rejected" {
  command = plan

  variables {
    log_level = "DEBUG"
  }

  expect_failures = [var.log_level]
}
