# Glue jobs, EMR Serverless applications and the Athena workgroup — asserted
# on the plan with a mocked AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix           = "c360-test"
  artifact_version = "0.1.0+abc1234"
  kms_key_arn      = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  bucket_names = {
    raw       = "c360-test-raw"
    stage     = "c360-test-stage"
    analytics = "c360-test-analytics"
    sandbox   = "c360-test-sandbox"
    artifacts = "c360-test-artifacts"
    logs      = "c360-test-logs"
  }
  database_names = {
    stage     = "c360_test_stage"
    analytics = "c360_test_analytics"
    sandbox   = "c360_test_sandbox"
  }
  profiles_table_name = "c360-test-customer-profiles"
  raw_dataset_paths   = ["clickstream/events", "crm/customers"]
}

run "conform_is_a_glue5_spark_job_on_the_versioned_script" {
  command = plan

  assert {
    condition     = aws_glue_job.conform.name == "c360-test-conform" && aws_glue_job.conform.glue_version == "5.0" && one(aws_glue_job.conform.command).name == "glueetl"
    error_message = "conform is the Glue 5.0 Spark job <prefix>-conform."
  }

  assert {
    condition     = one(aws_glue_job.conform.command).script_location == "s3://c360-test-artifacts/jobs/0.1.0+abc1234/glue/conform.py"
    error_message = "conform runs jobs/<version>/glue/conform.py."
  }

  assert {
    condition     = aws_glue_job.conform.default_arguments["--additional-python-modules"] == "s3://c360-test-artifacts/wheel/0.1.0+abc1234/c360-0.1.0-py3-none-any.whl"
    error_message = "conform installs the versioned wheel."
  }

  assert {
    condition     = aws_glue_job.conform.security_configuration == "c360-test-processing"
    error_message = "Glue jobs run with the KMS security configuration."
  }

  assert {
    condition     = one(aws_glue_job.conform.execution_property).max_concurrent_runs >= 9
    error_message = "The state machines start conform for all 9 datasets in one stage: it must allow 9 concurrent runs."
  }
}

run "load_profiles_is_a_python39_shell_job" {
  command = plan

  assert {
    condition     = one(aws_glue_job.python_shell["load_profiles"].command).name == "pythonshell" && one(aws_glue_job.python_shell["load_profiles"].command).python_version == "3.9"
    error_message = "load_profiles is a Glue Python shell job on Python 3.9."
  }

  assert {
    condition     = one(aws_glue_job.python_shell["load_profiles"].command).script_location == "s3://c360-test-artifacts/jobs/0.1.0+abc1234/glue/load_profiles.py" && aws_glue_job.python_shell["load_profiles"].default_arguments["--extra-py-files"] == "s3://c360-test-artifacts/wheel/0.1.0+abc1234/c360_glue_shell-0.1.0-py3-none-any.whl"
    error_message = "load_profiles runs its versioned script with the Glue Python shell wheel (Python 3.9) in --extra-py-files."
  }

  assert {
    condition     = aws_glue_job.python_shell["load_profiles"].default_arguments["--library-set"] == "analytics"
    error_message = "load_profiles reads Parquet with pyarrow, which the Python shell `analytics` library set provides."
  }

  assert {
    condition     = aws_glue_job.python_shell["load_profiles"].default_arguments["--c360-analytics-bucket"] == "c360-test-analytics" && aws_glue_job.python_shell["load_profiles"].default_arguments["--c360-profiles-table"] == "c360-test-customer-profiles"
    error_message = "load_profiles needs the two arguments its script requires: where c360_customer_profile lives and which table to load."
  }

  assert {
    condition     = one(aws_glue_job.python_shell["load_profiles"].execution_property).max_concurrent_runs == 1
    error_message = "Two loads of the profiles table never run at once."
  }
}

run "sandbox_export_is_a_python_shell_job_with_its_masking_key" {
  command = plan

  assert {
    condition     = one(aws_glue_job.python_shell["sandbox_export"].command).python_version == "3.9" && one(aws_glue_job.python_shell["sandbox_export"].command).script_location == "s3://c360-test-artifacts/jobs/0.1.0+abc1234/glue/sandbox_export.py"
    error_message = "sandbox_export runs jobs/<version>/glue/sandbox_export.py on Python shell 3.9."
  }

  assert {
    condition     = aws_glue_job.python_shell["sandbox_export"].default_arguments["--c360-sandbox-key-secret-id"] == "c360-test/sandbox/masking-key" && aws_secretsmanager_secret.sandbox_key.kms_key_id == var.kms_key_arn
    error_message = "The masking key comes from a CMK-encrypted secret, never an argument value."
  }

  assert {
    condition     = aws_glue_job.python_shell["sandbox_export"].default_arguments["--library-set"] == "analytics" && one(aws_glue_job.python_shell["sandbox_export"].execution_property).max_concurrent_runs >= 2
    error_message = "sandbox_export reads and writes Parquet (analytics library set) and runs for two sbx_* tables in one stage."
  }
}

run "emr_serverless_has_a_spark_and_a_hive_application" {
  command = plan

  assert {
    condition     = { for k, a in aws_emrserverless_application.this : k => a.type } == { spark = "SPARK", hive = "HIVE" }
    error_message = "One SPARK and one HIVE EMR Serverless application."
  }

  assert {
    condition     = alltrue([for a in aws_emrserverless_application.this : startswith(a.release_label, "emr-7.")])
    error_message = "EMR Serverless applications run an EMR 7.x release."
  }

  assert {
    condition     = aws_emrserverless_application.this["spark"].name == "c360-test-spark"
    error_message = "Applications are named <prefix>-<type>."
  }

  assert {
    condition     = output.emr_entry_points["identity_link"] == "s3://c360-test-artifacts/jobs/0.1.0+abc1234/emr/identity_link.py" && output.emr_entry_points["run_model"] == "s3://c360-test-artifacts/jobs/0.1.0+abc1234/emr/run_model.py" && output.hive_scripts["dim_customer_demographic"] == "s3://c360-test-artifacts/jobs/0.1.0+abc1234/emr/hive/dim_customer_demographic.hql"
    error_message = "EMR entry points and Hive scripts come from jobs/<version>/emr/."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.emr[0].policy).Statement : s.Resource if s.Sid == "WriteIntermediateAndAnalyticsTables"] == [[
      "arn:aws:s3:::c360-test-stage/int_*",
      "arn:aws:s3:::c360-test-stage/.staging/*",
      "arn:aws:s3:::c360-test-analytics/dim_*",
      "arn:aws:s3:::c360-test-analytics/fct_*",
      "arn:aws:s3:::c360-test-analytics/.staging/*",
    ]]
    error_message = "EMR steps write int_*, dim_*, fct_* and their staged writes under the layers' .staging/ (c360.lake_files), nothing else."
  }
}

# apply against the mock provider (nothing is created) so the repository URL is known.
run "the_spark_application_runs_this_versions_image_from_its_own_repository" {
  command = apply

  override_resource {
    target = aws_ecr_repository.emr_spark
    values = { repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/c360-test-emr-spark" }
  }

  assert {
    condition     = one(aws_emrserverless_application.this["spark"].image_configuration).image_uri == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/c360-test-emr-spark:0.1.0-abc1234" && output.emr_spark_image_uri == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/c360-test-emr-spark:0.1.0-abc1234"
    error_message = "The SPARK application runs <prefix>-emr-spark:<artifact version, '+' as '-'> (what make emr-image tags)."
  }

  assert {
    condition     = length(aws_emrserverless_application.this["hive"].image_configuration) == 0
    error_message = "The HIVE application keeps EMR's own image (it runs no Python)."
  }

  assert {
    condition     = aws_ecr_repository.emr_spark[0].name == "c360-test-emr-spark" && aws_ecr_repository.emr_spark[0].image_tag_mutability == "IMMUTABLE" && one(aws_ecr_repository.emr_spark[0].image_scanning_configuration).scan_on_push && one(aws_ecr_repository.emr_spark[0].encryption_configuration).encryption_type == "KMS" && one(aws_ecr_repository.emr_spark[0].encryption_configuration).kms_key == var.kms_key_arn
    error_message = "The image repository keeps tags immutable, scans on push and is encrypted with the lake CMK."
  }

  assert {
    condition = jsondecode(aws_ecr_repository_policy.emr_spark[0].policy).Statement == [{
      Sid       = "EmrServerlessPullsTheSparkImage"
      Effect    = "Allow"
      Principal = { Service = "emr-serverless.amazonaws.com" }
      Action    = ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"]
      Condition = { StringLike = { "aws:SourceArn" = "arn:aws:emr-serverless:eu-west-1:123456789012:/applications/*" } }
    }]
    error_message = "Only EMR Serverless may pull the image, for this account's applications, and only pull."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.emr[0].policy).Statement : s.Resource if s.Sid == "ReadOwnVersionOfEmrScripts"] == ["arn:aws:s3:::c360-test-artifacts/jobs/0.1.0+abc1234/emr/*"]
    error_message = "The EMR job role reads its version's entry points and Hive queries only (c360 is in the image)."
  }
}

run "an_image_tag_docker_would_refuse_is_rejected" {
  command = plan

  variables {
    emr_spark_image_tag = "0.1.0+abc1234"
  }

  expect_failures = [var.emr_spark_image_tag]
}

run "athena_workgroup_enforces_encrypted_results" {
  command = plan

  assert {
    condition     = one(aws_athena_workgroup.this[0].configuration).enforce_workgroup_configuration == true
    error_message = "The workgroup configuration must be enforced."
  }

  assert {
    condition     = one(one(aws_athena_workgroup.this[0].configuration).result_configuration).output_location == "s3://c360-test-analytics/_athena_results/"
    error_message = "Query results go to the analytics bucket under _athena_results/."
  }

  assert {
    condition     = one(one(one(aws_athena_workgroup.this[0].configuration).result_configuration).encryption_configuration).encryption_option == "SSE_KMS" && one(one(one(aws_athena_workgroup.this[0].configuration).result_configuration).encryption_configuration).kms_key_arn == var.kms_key_arn
    error_message = "Query results are encrypted with SSE-KMS and the lake CMK."
  }
}

run "emulator_toggles_remove_emr_and_athena" {
  command = plan

  variables {
    enable_emr_serverless = false
    enable_athena         = false
  }

  assert {
    condition     = length(aws_emrserverless_application.this) == 0 && length(aws_iam_role.emr) == 0 && length(aws_ecr_repository.emr_spark) == 0 && length(aws_athena_workgroup.this) == 0 && output.emr_spark_image_uri == null
    error_message = "The toggles must remove EMR Serverless and Athena."
  }
}

# apply against the mock provider (nothing is created) so the secret ARN is known.
run "iam_is_least_privilege" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for p in concat(values(aws_iam_role_policy.glue), aws_iam_role_policy.emr) : [
        for s in jsondecode(p.policy).Statement : [
          for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*")
        ]
      ]
    ]))
    error_message = "No IAM statement may allow a wildcard action."
  }

  assert {
    condition = alltrue(flatten([
      for p in concat(values(aws_iam_role_policy.glue), aws_iam_role_policy.emr) : [
        for s in jsondecode(p.policy).Statement : !contains(flatten([s.Resource]), "*") || endswith(s.Sid, "NoResourceLevel")
      ]
    ]))
    error_message = "Resource \"*\" is allowed only where the API has no resource-level permissions."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.glue["load_profiles"].policy).Statement : [s.Action, s.Resource] if startswith(s.Action[0], "dynamodb:")] == [
      [["dynamodb:BatchGetItem"], "arn:aws:dynamodb:eu-west-1:123456789012:table/c360-test-customer-profiles"],
      [["dynamodb:BatchWriteItem"], "arn:aws:dynamodb:eu-west-1:123456789012:table/c360-test-customer-profiles"],
    ]
    error_message = "load_profiles may BatchGetItem (stored lookup keys) and BatchWriteItem (profiles, lookups, stale-lookup deletes) on the profiles table only."
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.glue["conform"].policy).Statement : s if contains(flatten([s.Action]), "s3:PutObject") && contains(flatten([s.Resource]), "arn:aws:s3:::c360-test-raw/*")]) == 0
    error_message = "conform must never write to RAW (RAW is immutable)."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.glue["conform"].policy).Statement : s.Resource if s.Sid == "ReadRawDatasets"] == [[
      "arn:aws:s3:::c360-test-raw/clickstream/events",
      "arn:aws:s3:::c360-test-raw/clickstream/events/*",
      "arn:aws:s3:::c360-test-raw/crm/customers",
      "arn:aws:s3:::c360-test-raw/crm/customers/*",
    ]]
    error_message = "conform reads RAW objects below the contracts' raw paths (and the folder keys Hadoop probes) only (not _erasure/, _ledger/, _quarantine/)."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.glue["conform"].policy).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListRawDatasets"] == [[
      "clickstream/events", "clickstream/events/*", "crm/customers", "crm/customers/*",
    ]]
    error_message = "conform lists the raw bucket only below the contracts' raw paths."
  }

  assert {
    condition = {
      for k, v in aws_glue_job.conform.default_arguments : k => v if startswith(k, "--c360-") && endswith(k, "-bucket")
      } == {
      "--c360-raw-bucket"       = "c360-test-raw"
      "--c360-stage-bucket"     = "c360-test-stage"
      "--c360-analytics-bucket" = "c360-test-analytics"
      "--c360-sandbox-bucket"   = "c360-test-sandbox"
    }
    error_message = "The conform job is told where each layer of the lake is (c360.dimensions.jobs.parse_step_args needs all four)."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_role_policy.glue["conform"].policy).Statement : s.Resource if s.Sid == "WriteStageTables"] == [[
      "arn:aws:s3:::c360-test-stage/stg_*",
      "arn:aws:s3:::c360-test-stage/quarantine_*",
      "arn:aws:s3:::c360-test-stage/.staging/*",
    ]]
    error_message = "conform writes stg_*/quarantine_* and its staged writes under the stage bucket's .staging/ (c360.lake_files), nothing else."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.glue["sandbox_export"].policy).Statement :
      !contains(flatten([s.Action]), "s3:PutObject") || alltrue([for r in flatten([s.Resource]) : startswith(r, "arn:aws:s3:::c360-test-sandbox/sbx_")])
    ])
    error_message = "sandbox_export may write sbx_* objects in the sandbox bucket only."
  }
}

run "conform_concurrency_below_one_is_rejected" {
  command = plan

  variables {
    glue_max_concurrent_runs = { conform = 0 }
  }

  expect_failures = [var.glue_max_concurrent_runs]
}

run "non_emr7_release_is_rejected" {
  command = plan

  variables {
    emr_release_label = "emr-6.15.0"
  }

  expect_failures = [var.emr_release_label]
}

run "raw_dataset_paths_must_be_relative_folders" {
  command = plan

  variables {
    raw_dataset_paths = ["/crm/customers"]
  }

  expect_failures = [var.raw_dataset_paths]
}
