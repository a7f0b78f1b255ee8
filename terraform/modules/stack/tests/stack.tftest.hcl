# The composed platform: module wiring and the emulator toggles envs/local
# uses — asserted on the plan with a mocked AWS provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix            = "c360-test"
  artifact_version  = "0.1.0+abc1234"
  contracts_dir     = "../catalog/tests/fixtures/contracts"
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
