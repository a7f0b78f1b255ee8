# The composed platform: module wiring and the emulator toggles envs/local
# uses — asserted on the plan with a mocked AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix            = "c360-test"
  artifact_version  = "0.1.0+abc1234"
  contracts_dir     = "../catalog/tests/fixtures/contracts"
  model_tables_file = "../catalog/tests/fixtures/model_tables/model_tables.json"
  stepfunctions_dir = "../orchestration/tests/fixtures/stepfunctions"
  network = {
    vpc_id             = "vpc-0123456789abcdef0"
    private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  }
}

run "full_platform_wires_every_layer" {
  command = plan

  assert {
    condition     = output.bucket_names["raw"] == "c360-test-raw" && output.database_names["stage"] == "c360_test_stage"
    error_message = "Buckets and databases follow the naming convention."
  }

  assert {
    condition     = length(module.processing.emr_application_ids) == 2 && module.processing.athena_workgroup_name == "c360-test-analytics"
    error_message = "EMR Serverless and Athena are on by default."
  }

  assert {
    condition     = length(module.source_demo) == 1
    error_message = "The simulated core banking database is created by default."
  }

  assert {
    condition     = toset(keys(module.orchestration.state_machine_names)) == toset(["hourly", "daily", "weekly"])
    error_message = "The state machines of the ASL directory are created."
  }

  assert {
    condition     = output.lambda_function_names == { crm_api = "c360-test-crm-api", crm_ingest = "c360-test-crm-ingest", mainframe_export = "c360-test-mainframe-export", file_drop_ingest = "c360-test-file-drop-ingest", profile_api = "c360-test-profile-api", run_control = "c360-test-run-control" }
    error_message = "lambda_function_names lists every Lambda of the stack, run_control included."
  }

  assert {
    condition     = module.orchestration.run_control_environment == tomap({ C360_ENV = "c360-test", C360_LOCKS_TABLE = "c360-test-customer-profiles", C360_RUN_LEASE_SECONDS = "21600", C360_LOG_LEVEL = "INFO" })
    error_message = "run_control keeps the run lock of environment <prefix> in the profiles table, with the default lease."
  }

  assert {
    condition     = module.orchestration.run_control_environment["C360_LOCKS_TABLE"] == output.profiles_table_name
    error_message = "The run lock lives in the serving module's profiles table."
  }
}

# Every placeholder in the repository's stepfunctions/*.asl.json must have a
# value: templatefile() fails the plan on any missing name.
run "repository_state_machines_render" {
  command = plan

  variables {
    stepfunctions_dir  = "../../../stepfunctions"
    pipeline_schedules = {}
  }

  assert {
    condition     = length(module.orchestration.state_machine_names) == length(fileset("../../../stepfunctions", "*.asl.json"))
    error_message = "Every ASL file in stepfunctions/ must become a state machine."
  }
}

# The repository's own definitions, rendered (apply against the mock provider
# so the Lambda ARNs they embed are known), against what the stack deploys.
run "repository_state_machines_are_wired_to_what_the_stack_deploys" {
  command = apply

  variables {
    stepfunctions_dir  = "../../../stepfunctions"
    pipeline_schedules = {}
  }

  # c360.orchestration.asl.PLACEHOLDERS, read from the generator itself: the
  # stack passes every name but alerts_topic_arn, lambda_run_control_arn and job_timeout_minutes
  # (the orchestration module's own topic, Lambda and job timeout).
  assert {
    condition = alltrue([
      for name in flatten(regexall("\"([a-z_]+)\":", regex("(?s)PLACEHOLDERS: dict\\[str, str\\] = \\{(.*?)\\n\\}", file("../../../src/c360/orchestration/asl.py"))[0])) :
      contains(keys(output.asl_substitutions), name) || contains(["alerts_topic_arn", "lambda_run_control_arn", "job_timeout_minutes"], name)
    ]) && length(flatten(regexall("\"([a-z_]+)\":", regex("(?s)PLACEHOLDERS: dict\\[str, str\\] = \\{(.*?)\\n\\}", file("../../../src/c360/orchestration/asl.py"))[0]))) >= 17
    error_message = "Every name in c360.orchestration.asl.PLACEHOLDERS must have a value in the stack's substitutions."
  }

  # Every execution opens and closes its run with the orchestration module's
  # run_control Lambda (the module fills $${lambda_run_control_arn}).
  assert {
    condition     = alltrue([for d in values(module.orchestration.definitions) : strcontains(d, "\"arn:aws:lambda:eu-west-1:123456789012:function:c360-test-run-control\"")])
    error_message = "Every repository state machine must invoke <prefix>-run-control."
  }

  assert {
    condition = alltrue(flatten([
      for d in values(module.orchestration.definitions) : [
        for job in flatten(regexall("s3://c360-test-artifacts/jobs/0\\.1\\.0\\+abc1234/emr/([a-z_]+)\\.py", d)) : contains(keys(module.processing.emr_entry_points), job)
      ]
    ])) && length(flatten([for d in values(module.orchestration.definitions) : regexall("/emr/([a-z_]+)\\.py", d)])) > 0
    error_message = "Every EMR entry point a state machine starts must be an artifact of artifact_layout (jobs/<version>/emr/<job>.py)."
  }

  assert {
    condition = alltrue(flatten([
      for d in values(module.orchestration.definitions) : [
        for h in flatten(regexall("s3://c360-test-artifacts/jobs/0\\.1\\.0\\+abc1234/emr/hive/([a-z_]+)\\.hql", d)) : contains(keys(module.processing.hive_scripts), h)
      ]
    ]))
    error_message = "Every Hive query a state machine runs must be an artifact of artifact_layout (jobs/<version>/emr/hive/<name>.hql)."
  }

  # c360 runs on the SPARK application's image (jobs/emr/image/Dockerfile), with the
  # Python 3.11 it installs there, on every EMR Spark step, and no step ships a wheel.
  assert {
    condition     = alltrue([for d in values(module.orchestration.definitions) : length(regexall("emr-serverless:startJobRun", d)) == 0 || (length(regexall("\"SparkSubmit\"", d)) == length(regexall("spark.emr-serverless.driverEnv.PYSPARK_PYTHON=/usr/bin/python3.11 --conf spark.executorEnv.PYSPARK_PYTHON=/usr/bin/python3.11", d)) && !strcontains(d, "spark.submit.pyFiles"))])
    error_message = "Every EMR Spark step must run the image's /usr/bin/python3.11 on driver and executors, and ship no wheel."
  }

  # A stage starts several steps on one Glue job (conform: one per dataset);
  # the job must allow that many concurrent runs.
  assert {
    condition = alltrue(flatten([
      for d in values(module.orchestration.definitions) : [
        for st in values(jsondecode(d).States) : [
          for job, limit in output.glue_max_concurrent_runs :
          length([for b in st.Branches : b if try(b.States[b.StartAt].Parameters.JobName, "") == output.glue_job_names[job]]) <= limit
        ] if st.Type == "Parallel"
      ]
    ]))
    error_message = "A Glue job allows fewer concurrent runs than a stage starts (see output glue_max_concurrent_runs)."
  }

  assert {
    condition = length(flatten([
      for d in values(module.orchestration.definitions) : [
        for st in values(jsondecode(d).States) : [
          for b in st.Branches : b if try(b.States[b.StartAt].Parameters.JobName, "") == output.glue_job_names["conform"]
        ] if st.Type == "Parallel"
      ]
    ])) > 0
    error_message = "The definitions must start conform inside a Parallel stage (else the concurrency check above proves nothing)."
  }
}

# Terraform's copy of each Lambda-landed dataset's RAW path against the
# repository's contracts, and the handlers' required environment.
run "ingestion_matches_the_contracts_and_the_handlers" {
  command = plan

  assert {
    condition     = alltrue([for d, p in module.ingestion.dataset_raw_paths : yamldecode(file("../../../contracts/${d}.yaml")).raw.path == p])
    error_message = "ingestion's dataset RAW paths must equal raw.path of contracts/<dataset>.yaml."
  }

  assert {
    condition     = toset(keys(module.ingestion.dataset_raw_paths)) == toset([for f in fileset("../../../contracts", "*.yaml") : trimsuffix(f, ".yaml")])
    error_message = "Every contract's dataset must be landed (and granted) by the ingestion module."
  }

  assert {
    condition = alltrue([
      for name in flatten(regexall("_require\\(env, \"([A-Z0-9_]+)\"\\)", file("../../../src/c360/ingest/aws.py"))) :
      anytrue([for env in values(module.ingestion.lambda_environment) : contains(keys(env), name)])
    ]) && length(regexall("_require\\(env, ", file("../../../src/c360/ingest/aws.py"))) > 0
    error_message = "Every variable c360.ingest.aws requires must be set on an ingestion function."
  }

  assert {
    condition     = module.ingestion.lambda_environment["file_drop_ingest"]["C360_MAINFRAME_SOURCE_URI"] == "s3://c360-test-sources/" && module.ingestion.lambda_environment["crm_api"]["C360_CRM_DATA_URI"] == "s3://c360-test-sources/crm/customers/"
    error_message = "By default the drops and the CRM's pages are read from the stack's sources bucket."
  }
}

run "emulator_toggles_switch_off_what_moto_lacks" {
  command = plan

  variables {
    attach_deny_insecure_transport_policy = false
    enable_lake_formation                 = false
    enable_emr_serverless                 = false
    enable_athena                         = false
    enable_source_demo                    = false
    network                               = null
  }

  assert {
    condition     = length(module.processing.emr_application_ids) == 0 && module.processing.athena_workgroup_name == null
    error_message = "EMR Serverless and Athena must be off."
  }

  assert {
    condition     = length(module.source_demo) == 0 && length(aws_security_group.glue) == 0
    error_message = "No RDS and no VPC resources in the emulator."
  }

  assert {
    condition     = module.catalog.lake_formation_role_arn == null
    error_message = "Lake Formation must be off."
  }
}

run "source_demo_needs_a_network" {
  command = plan

  variables {
    network = null
  }

  expect_failures = [var.enable_source_demo]
}

run "run_lease_below_15_minutes_is_rejected" {
  command = plan

  variables {
    run_lease_seconds = 60
  }

  expect_failures = [var.run_lease_seconds]
}

run "one_job_timeout_bounds_every_glue_job_and_emr_job_run" {
  command = plan

  variables {
    stepfunctions_dir   = "../../../stepfunctions"
    pipeline_schedules  = {}
    job_timeout_minutes = 45
    run_lease_seconds   = 5400
  }

  assert {
    condition     = module.ingestion.glue_job_timeout_minutes == 45 && alltrue([for t in values(module.processing.glue_job_timeouts) : t == 45])
    error_message = "job_timeout_minutes is the timeout of the extract job and of every processing Glue job."
  }

  assert {
    condition     = strcontains(module.orchestration.definitions["daily"], "States.StringToJson('45')") && !strcontains(module.orchestration.definitions["daily"], "$${job_timeout_minutes}")
    error_message = "job_timeout_minutes bounds each EMR Serverless job run of the state machines (ExecutionTimeoutMinutes)."
  }
}

run "a_run_lease_shorter_than_twice_the_job_timeout_is_rejected" {
  command = plan

  variables {
    job_timeout_minutes = 60
    run_lease_seconds   = 3600
  }

  expect_failures = [var.run_lease_seconds]
}
