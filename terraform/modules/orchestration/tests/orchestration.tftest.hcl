# State machines rendered from ASL files, their schedules and role — asserted
# on the plan with a mocked AWS provider.

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
}

run "role_is_least_privilege" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for p in [aws_iam_role_policy.this, aws_iam_role_policy.scheduler[0]] : [
        for s in jsondecode(p.policy).Statement : [
          for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
        ]
      ]
    ]))
    error_message = "No IAM statement may allow a wildcard action."
  }

  assert {
    condition = alltrue(flatten([
      for p in [aws_iam_role_policy.this, aws_iam_role_policy.scheduler[0]] : [
        for s in jsondecode(p.policy).Statement : !contains(flatten([s.Resource]), "*") || endswith(s.Sid, "NoResourceLevel")
      ]
    ]))
    error_message = "Resource \"*\" only where the API has no resource-level permissions."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s if s.Sid == "PassEmrJobRole"]).Condition.StringEquals["iam:PassedToService"] == "emr-serverless.amazonaws.com"
    error_message = "iam:PassRole is limited to EMR Serverless."
  }
}

run "role_drops_statements_for_absent_services" {
  command = plan

  variables {
    glue_job_arns        = []
    emr_application_arns = []
    athena               = null
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s if can(regex("Glue|Emr|Athena", s.Sid))]) == 0
    error_message = "No Glue/EMR/Athena permission without such resources."
  }
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
