# Ingestion Lambdas, schedules, the JDBC extract job and its secret —
# asserted on the plan with a mocked AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix           = "c360-test"
  artifact_version = "0.1.0+abc1234"
  artifacts_bucket = "c360-test-artifacts"
  raw_bucket       = "c360-test-raw"
  # The layout of the generator's output folder, in the sources bucket.
  file_drop_source_uri = "s3://c360-test-sources/"
  crm_data_uri         = "s3://c360-test-sources/crm/customers/"
  kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  core_banking_db = {
    host     = "core-banking.internal"
    database = "core_banking"
  }
}

run "lambdas_run_the_versioned_artifacts" {
  command = plan

  assert {
    condition = { for f, m in module.functions : f => "${m.function_s3_bucket}/${m.function_s3_key}" } == {
      crm_api          = "c360-test-artifacts/lambdas/0.1.0+abc1234/crm_api.zip"
      crm_ingest       = "c360-test-artifacts/lambdas/0.1.0+abc1234/crm_ingest.zip"
      mainframe_export = "c360-test-artifacts/lambdas/0.1.0+abc1234/mainframe_export.zip"
      file_drop_ingest = "c360-test-artifacts/lambdas/0.1.0+abc1234/file_drop_ingest.zip"
    }
    error_message = "Each Lambda must load lambdas/<version>/<function>.zip from the artifacts bucket."
  }

  assert {
    condition     = module.functions["crm_ingest"].function_name == "c360-test-crm-ingest"
    error_message = "Lambda names follow <prefix>-<function>."
  }

  assert {
    condition     = alltrue([for m in module.functions : m.function_tracing_mode == "Active" && m.function_kms_key_arn != null])
    error_message = "Lambdas trace with X-Ray and encrypt their environment with the CMK."
  }
}

# Every variable c360.ingest.aws reads: `_require(env, ...)` fails the function
# when one is missing, so each must be set by Terraform.
run "lambdas_get_every_environment_variable_their_handler_reads" {
  command = plan

  assert {
    condition     = module.functions["crm_api"].function_environment["C360_CRM_DATA_URI"] == "s3://c360-test-sources/crm/customers/" && !contains(keys(module.functions["crm_api"].function_environment), "C360_CRM_FAULTS")
    error_message = "crm_api reads its pages from C360_CRM_DATA_URI; no faults unless asked for."
  }

  assert {
    condition     = module.functions["crm_ingest"].function_environment["C360_RAW_BUCKET"] == "c360-test-raw" && module.functions["crm_ingest"].function_environment["C360_CRM_API_FUNCTION"] == "c360-test-crm-api"
    error_message = "crm_ingest needs C360_RAW_BUCKET and the producer function C360_CRM_API_FUNCTION."
  }

  assert {
    condition = alltrue([for f in ["mainframe_export", "file_drop_ingest"] :
      module.functions[f].function_environment["C360_RAW_BUCKET"] == "c360-test-raw" &&
      module.functions[f].function_environment["C360_MAINFRAME_SOURCE_URI"] == "s3://c360-test-sources/"
    ])
    error_message = "The file-drop functions need C360_RAW_BUCKET and the drop location C360_MAINFRAME_SOURCE_URI."
  }
}

run "crm_faults_and_a_real_crm_url_reach_the_functions" {
  command = apply

  variables {
    crm_api_faults = "{\"rate_limit_every\": 5}"
    crm_api_url    = "https://crm.example.com/api"
  }

  assert {
    condition     = jsondecode(module.functions["crm_api"].function_environment["C360_CRM_FAULTS"]) == { rate_limit_every = 5 }
    error_message = "crm_api_faults must reach crm_api as C360_CRM_FAULTS."
  }

  assert {
    condition     = module.functions["crm_ingest"].function_environment["C360_CRM_API_URL"] == "https://crm.example.com/api" && !contains(keys(module.functions["crm_ingest"].function_environment), "C360_CRM_API_FUNCTION")
    error_message = "With crm_api_url, crm_ingest calls the real CRM (C360_CRM_API_URL) instead of the crm_api function."
  }

  assert {
    condition     = length([for s in jsondecode(module.functions["crm_ingest"].role_policy).Statement : s if s.Sid == "CallCrmApi"]) == 0
    error_message = "crm_ingest may not invoke crm_api when it calls a real CRM."
  }
}

run "glue_extract_job_uses_glue5_the_script_and_the_wheel" {
  command = plan

  assert {
    condition     = aws_glue_job.this.glue_version == "5.0" && one(aws_glue_job.this.command).name == "glueetl"
    error_message = "extract_core_banking is a Glue 5.0 Spark job."
  }

  assert {
    condition     = one(aws_glue_job.this.command).script_location == "s3://c360-test-artifacts/jobs/0.1.0+abc1234/glue/extract_core_banking.py"
    error_message = "The job script must be jobs/<version>/glue/extract_core_banking.py."
  }

  assert {
    condition     = aws_glue_job.this.default_arguments["--additional-python-modules"] == "s3://c360-test-artifacts/wheel/0.1.0+abc1234/c360-0.1.0-py3-none-any.whl"
    error_message = "The job must install the versioned c360 wheel."
  }

  assert {
    condition     = aws_glue_job.this.default_arguments["--c360-raw-bucket"] == "c360-test-raw" && aws_glue_job.this.default_arguments["--c360-secret-id"] == "c360-test/core-banking/extract"
    error_message = "The job gets the two arguments glue_arguments() requires in AWS: --c360-raw-bucket and --c360-secret-id."
  }

  assert {
    condition     = aws_glue_job.this.default_arguments["--job-bookmark-option"] == "job-bookmark-disable"
    error_message = "The extract keeps its own bookmarks in RAW (_checkpoints/); Glue job bookmarks stay off."
  }

  assert {
    condition     = one(aws_glue_job.this.execution_property).max_concurrent_runs >= 4
    error_message = "The state machines extract the four tables as concurrent runs of this job."
  }

  assert {
    condition     = aws_glue_connection.this.connection_properties["JDBC_CONNECTION_URL"] == "jdbc:postgresql://core-banking.internal:5432/core_banking" && aws_glue_connection.this.connection_properties["SECRET_ID"] == "c360-test/core-banking/extract"
    error_message = "The JDBC connection reads its credentials from the secret, never inline."
  }

  assert {
    condition     = !contains(keys(aws_glue_connection.this.connection_properties), "PASSWORD")
    error_message = "No password may appear in the connection properties."
  }
}

run "secret_is_kms_encrypted_and_generated" {
  command = plan

  assert {
    condition     = aws_secretsmanager_secret.db.kms_key_id == var.kms_key_arn
    error_message = "The DB secret must be encrypted with the CMK."
  }

  assert {
    condition     = data.aws_secretsmanager_random_password.db.password_length >= 32
    error_message = "The password is generated by Secrets Manager (32+ characters)."
  }
}

run "no_schedule_by_default_the_state_machines_invoke_the_functions" {
  command = plan

  assert {
    condition     = length(aws_scheduler_schedule.this) == 0 && length(aws_iam_role.scheduler) == 0
    error_message = "The pipeline's state machines invoke ingestion; a second trigger would ingest twice."
  }
}

run "schedules_invoke_their_functions" {
  command = plan

  variables {
    schedules = { crm_ingest = "rate(1 hour)", mainframe_export = "cron(0 2 * * ? *)" }
  }

  assert {
    condition     = { for k, s in aws_scheduler_schedule.this : k => s.schedule_expression } == { crm_ingest = "rate(1 hour)", mainframe_export = "cron(0 2 * * ? *)" }
    error_message = "Each scheduled function gets its expression."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement[0].Resource == ["arn:aws:lambda:eu-west-1:123456789012:function:c360-test-crm-ingest", "arn:aws:lambda:eu-west-1:123456789012:function:c360-test-mainframe-export"]
    error_message = "The scheduler role may invoke the scheduled functions only."
  }
}

# apply against the mock provider (nothing is created) so computed ARNs are known.
run "iam_is_least_privilege" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for p in concat([for m in values(module.functions) : m.role_policy], [aws_iam_role_policy.glue.policy], aws_iam_role_policy.scheduler[*].policy) : [
        for s in jsondecode(p).Statement : [
          for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
        ]
      ]
    ]))
    error_message = "No IAM statement may allow a wildcard action."
  }

  assert {
    condition = alltrue(flatten([
      for p in concat([for m in values(module.functions) : m.role_policy], [aws_iam_role_policy.glue.policy], aws_iam_role_policy.scheduler[*].policy) : [
        for s in jsondecode(p).Statement : !contains(flatten([s.Resource]), "*") || endswith(s.Sid, "NoResourceLevel")
      ]
    ]))
    error_message = "Resource \"*\" is allowed only in statements whose Sid says the API has no resource-level permissions."
  }

  assert {
    condition = [for s in jsondecode(module.functions["crm_ingest"].role_policy).Statement : s.Resource if s.Sid == "ReadWriteDeleteOwnRawObjects"] == [[
      "arn:aws:s3:::c360-test-raw/crm/customers/*",
      "arn:aws:s3:::c360-test-raw/_quarantine/crm/customers/*",
      "arn:aws:s3:::c360-test-raw/_checkpoints/crm_customers*",
    ]] && [for s in jsondecode(module.functions["crm_ingest"].role_policy).Statement : s.Resource if s.Sid == "ReadWriteOwnLedger"] == [["arn:aws:s3:::c360-test-raw/_ledger/crm_customers/*"]]
    error_message = "crm_ingest may read, write and delete only its data, quarantine and checkpoint keys, and read/write its ledger."
  }

  assert {
    condition = toset(one([for s in jsondecode(module.functions["crm_ingest"].role_policy).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListOwnRawKeys"])) == toset([
      "crm/customers/*", "_quarantine/crm/customers/*", "_checkpoints/crm_customers*", "_ledger/crm_customers/*", "_erasure/key", "_erasure/requests/*",
    ])
    error_message = "crm_ingest lists exactly the keys it reads, so an absent checkpoint, manifest or erasure key is a 404 (not a 403)."
  }

  assert {
    condition = [for s in jsondecode(module.functions["mainframe_export"].role_policy).Statement : s.Resource if s.Sid == "ReadWriteDeleteOwnRawObjects"] == [[
      "arn:aws:s3:::c360-test-raw/mainframe/cards/*",
      "arn:aws:s3:::c360-test-raw/_quarantine/mainframe/cards/*",
      "arn:aws:s3:::c360-test-raw/mainframe/loyalty/*",
      "arn:aws:s3:::c360-test-raw/_quarantine/mainframe/loyalty/*",
    ]] && [for s in jsondecode(module.functions["mainframe_export"].role_policy).Statement : s.Resource if s.Sid == "ReadWriteOwnLedger"] == [["arn:aws:s3:::c360-test-raw/_ledger/mainframe_cards/*", "arn:aws:s3:::c360-test-raw/_ledger/mainframe_loyalty/*"]]
    error_message = "mainframe_export may land only the mainframe datasets (no checkpoints: drops dedupe by ledger)."
  }

  assert {
    condition = [for s in jsondecode(module.functions["file_drop_ingest"].role_policy).Statement : s.Resource if s.Sid == "ReadWriteDeleteOwnRawObjects"] == [[
      "arn:aws:s3:::c360-test-raw/call_center/contacts/*",
      "arn:aws:s3:::c360-test-raw/_quarantine/call_center/contacts/*",
      "arn:aws:s3:::c360-test-raw/clickstream/events/*",
      "arn:aws:s3:::c360-test-raw/_quarantine/clickstream/events/*",
    ]] && [for s in jsondecode(module.functions["file_drop_ingest"].role_policy).Statement : s.Resource if s.Sid == "ReadWriteOwnLedger"] == [["arn:aws:s3:::c360-test-raw/_ledger/call_center_contacts/*", "arn:aws:s3:::c360-test-raw/_ledger/clickstream_events/*"]]
    error_message = "file_drop_ingest may land only clickstream_events and call_center_contacts."
  }

  assert {
    condition = alltrue([for f in ["crm_ingest", "mainframe_export", "file_drop_ingest"] :
      [for s in jsondecode(module.functions[f].role_policy).Statement : s if s.Sid == "ReadErasureLedger"] == [{
        Sid      = "ReadErasureLedger", Effect = "Allow", Action = ["s3:GetObject"]
        Resource = ["arn:aws:s3:::c360-test-raw/_erasure/key", "arn:aws:s3:::c360-test-raw/_erasure/requests/*"]
      }]
    ])
    error_message = "Every landing reads the erasure ledger (read only), so erased persons never land again."
  }

  assert {
    condition     = length([for s in jsondecode(module.functions["crm_api"].role_policy).Statement : s if can(regex("Raw|Erasure|Ledger", s.Sid))]) == 0
    error_message = "crm_api must not touch RAW."
  }

  assert {
    condition = [for s in jsondecode(module.functions["crm_api"].role_policy).Statement : [s.Resource, try(s.Condition.StringLike["s3:prefix"], null)] if can(regex("SourceObjects", s.Sid))] == [
      [["arn:aws:s3:::c360-test-sources/crm/customers/*"], null],
      ["arn:aws:s3:::c360-test-sources", ["crm/customers/*"]],
    ]
    error_message = "crm_api may read and list only its CRM pages (C360_CRM_DATA_URI)."
  }

  assert {
    condition = [for s in jsondecode(module.functions["file_drop_ingest"].role_policy).Statement : [s.Resource, try(s.Condition.StringLike["s3:prefix"], null)] if can(regex("SourceObjects", s.Sid))] == [
      [["arn:aws:s3:::c360-test-sources/call_center/*", "arn:aws:s3:::c360-test-sources/clickstream/events/*"], null],
      ["arn:aws:s3:::c360-test-sources", ["call_center/*", "clickstream/events/*"]],
    ] && [for s in jsondecode(module.functions["mainframe_export"].role_policy).Statement : s.Resource if s.Sid == "ReadSourceObjects"] == [["arn:aws:s3:::c360-test-sources/mainframe/*"]]
    error_message = "Each file-drop function may read only its own drop folders of C360_MAINFRAME_SOURCE_URI."
  }

  assert {
    condition = alltrue(flatten([
      for m in values(module.functions) : [
        for s in jsondecode(m.role_policy).Statement : !contains(flatten([s.Action]), "s3:PutObject") || alltrue([for r in flatten([s.Resource]) : startswith(r, "arn:aws:s3:::c360-test-raw/")])
      ]
    ]))
    error_message = "No ingestion function may write outside RAW (the sources are read only)."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.glue.policy).Statement : s.Resource if s.Sid == "ReadWriteDeleteOwnRawObjects"] == [[
      "arn:aws:s3:::c360-test-raw/core_banking/*",
      "arn:aws:s3:::c360-test-raw/_checkpoints/core_banking_*",
    ]] && [for s in jsondecode(aws_iam_role_policy.glue.policy).Statement : s.Resource if s.Sid == "ReadWriteOwnLedger"] == ["arn:aws:s3:::c360-test-raw/_ledger/core_banking_*"]
    error_message = "The extract job may rewrite core_banking/ deliveries and its bookmarks, and read/write its ledger."
  }

  assert {
    condition = toset(one([for s in jsondecode(aws_iam_role_policy.glue.policy).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListOwnRawKeys"])) == toset([
      "core_banking/*", "_checkpoints/core_banking_*", "_ledger/core_banking_*", "_quarantine/core_banking/*", "_erasure/key", "_erasure/requests/*",
    ])
    error_message = "The extract job lists exactly the keys it reads (absent bookmarks and manifests answer 404)."
  }
}

# apply against the mock provider (nothing is created) so computed ARNs are known.
run "vpc_connection_adds_network_permissions" {
  command = apply

  variables {
    glue_connection_network = {
      subnet_id          = "subnet-0123456789abcdef0"
      security_group_ids = ["sg-0123456789abcdef0"]
      availability_zone  = "eu-west-1a"
    }
  }

  assert {
    condition     = one(aws_glue_connection.this.physical_connection_requirements).subnet_id == "subnet-0123456789abcdef0"
    error_message = "The connection must run in the given private subnet."
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.glue.policy).Statement : s if s.Sid == "VpcNetworkInterfacesNoResourceLevel"]) == 1
    error_message = "A VPC connection needs the ENI permissions."
  }
}

run "empty_artifact_version_is_rejected" {
  command = plan

  variables {
    artifact_version = ""
  }

  expect_failures = [var.artifact_version]
}

run "unknown_schedule_target_is_rejected" {
  command = plan

  variables {
    schedules = { profile_api = "rate(1 hour)" }
  }

  expect_failures = [var.schedules]
}
