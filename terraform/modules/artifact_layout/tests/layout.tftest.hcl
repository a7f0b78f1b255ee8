# The S3 key layout is a contract with `make publish`: assert it exactly.

variables {
  artifacts_bucket = "c360-test-artifacts"
  artifact_version = "0.1.0+abc1234"
}

run "keys_follow_the_publish_layout" {
  command = plan

  assert {
    condition = output.lambda_keys == {
      crm_api          = "lambdas/0.1.0+abc1234/crm_api.zip"
      crm_ingest       = "lambdas/0.1.0+abc1234/crm_ingest.zip"
      mainframe_export = "lambdas/0.1.0+abc1234/mainframe_export.zip"
      file_drop_ingest = "lambdas/0.1.0+abc1234/file_drop_ingest.zip"
      profile_api      = "lambdas/0.1.0+abc1234/profile_api.zip"
      run_control      = "lambdas/0.1.0+abc1234/run_control.zip"
    }
    error_message = "Lambda zips must live at lambdas/<version>/<function>.zip."
  }

  assert {
    condition     = output.lambda_functions == ["crm_api", "crm_ingest", "mainframe_export", "file_drop_ingest", "profile_api", "run_control"]
    error_message = "The platform's Lambdas: ingestion (4), serving (profile_api), orchestration (run_control); each has lambdas/<fn>/handler.py."
  }

  assert {
    condition = output.glue_script_keys == {
      conform              = "jobs/0.1.0+abc1234/glue/conform.py"
      extract_core_banking = "jobs/0.1.0+abc1234/glue/extract_core_banking.py"
      load_profiles        = "jobs/0.1.0+abc1234/glue/load_profiles.py"
      sandbox_export       = "jobs/0.1.0+abc1234/glue/sandbox_export.py"
    }
    error_message = "Glue scripts must live at jobs/<version>/glue/<job>.py."
  }

  assert {
    condition = output.emr_script_keys == {
      run_model              = "jobs/0.1.0+abc1234/emr/run_model.py"
      identity_link          = "jobs/0.1.0+abc1234/emr/identity_link.py"
      aggregate_transactions = "jobs/0.1.0+abc1234/emr/aggregate_transactions.py"
      customer_preferences   = "jobs/0.1.0+abc1234/emr/customer_preferences.py"
    }
    error_message = "EMR scripts (run_model runs one SQL model; the state machines start all four) must live at jobs/<version>/emr/<job>.py."
  }

  assert {
    condition     = output.hive_script_keys["dim_customer_demographic"] == "jobs/0.1.0+abc1234/emr/hive/dim_customer_demographic.hql"
    error_message = "Hive scripts must live at jobs/<version>/emr/hive/<name>.hql."
  }

  assert {
    condition     = output.wheel_uri == "s3://c360-test-artifacts/wheel/0.1.0+abc1234/c360-0.1.0-py3-none-any.whl"
    error_message = "The wheel must live at wheel/<version>/c360-<pkg_version>-py3-none-any.whl."
  }

  assert {
    condition     = output.glue_shell_wheel_uri == "s3://c360-test-artifacts/wheel/0.1.0+abc1234/c360_glue_shell-0.1.0-py3-none-any.whl"
    error_message = "The Glue Python shell wheel must live at wheel/<version>/c360_glue_shell-<pkg_version>-py3-none-any.whl."
  }

  assert {
    condition     = output.athena_sql_prefix == "sql/0.1.0+abc1234/athena/"
    error_message = "Athena SQL must live under sql/<version>/athena/."
  }
}

# dist/<version>/<path> -> key is what `make publish` does; the left side is
# what `make build` must write (compare with `python -m c360.build`).
run "every_artifact_maps_from_its_dist_path" {
  command = plan

  assert {
    condition = output.dist_keys == {
      "lambdas/crm_api.zip"                          = "lambdas/0.1.0+abc1234/crm_api.zip"
      "lambdas/crm_ingest.zip"                       = "lambdas/0.1.0+abc1234/crm_ingest.zip"
      "lambdas/mainframe_export.zip"                 = "lambdas/0.1.0+abc1234/mainframe_export.zip"
      "lambdas/file_drop_ingest.zip"                 = "lambdas/0.1.0+abc1234/file_drop_ingest.zip"
      "lambdas/profile_api.zip"                      = "lambdas/0.1.0+abc1234/profile_api.zip"
      "lambdas/run_control.zip"                      = "lambdas/0.1.0+abc1234/run_control.zip"
      "jobs/glue/conform.py"                         = "jobs/0.1.0+abc1234/glue/conform.py"
      "jobs/glue/extract_core_banking.py"            = "jobs/0.1.0+abc1234/glue/extract_core_banking.py"
      "jobs/glue/load_profiles.py"                   = "jobs/0.1.0+abc1234/glue/load_profiles.py"
      "jobs/glue/sandbox_export.py"                  = "jobs/0.1.0+abc1234/glue/sandbox_export.py"
      "jobs/emr/run_model.py"                        = "jobs/0.1.0+abc1234/emr/run_model.py"
      "jobs/emr/identity_link.py"                    = "jobs/0.1.0+abc1234/emr/identity_link.py"
      "jobs/emr/aggregate_transactions.py"           = "jobs/0.1.0+abc1234/emr/aggregate_transactions.py"
      "jobs/emr/customer_preferences.py"             = "jobs/0.1.0+abc1234/emr/customer_preferences.py"
      "jobs/emr/hive/dim_customer_demographic.hql"   = "jobs/0.1.0+abc1234/emr/hive/dim_customer_demographic.hql"
      "wheel/c360-0.1.0-py3-none-any.whl"            = "wheel/0.1.0+abc1234/c360-0.1.0-py3-none-any.whl"
      "wheel/c360_glue_shell-0.1.0-py3-none-any.whl" = "wheel/0.1.0+abc1234/c360_glue_shell-0.1.0-py3-none-any.whl"
    }
    error_message = "Each artifact's key is its dist/<version>/ path with the version after the first component."
  }

  assert {
    condition     = output.job_read_prefixes == ["jobs/0.1.0+abc1234/glue/*", "wheel/0.1.0+abc1234/*"]
    error_message = "A Glue job may read only the Glue scripts and the wheel of its own version."
  }
}

run "explicit_package_version_names_the_wheel" {
  command = plan

  variables {
    package_version = "0.2.0"
  }

  assert {
    condition     = output.wheel_key == "wheel/0.1.0+abc1234/c360-0.2.0-py3-none-any.whl"
    error_message = "package_version must override the derived wheel version."
  }
}

run "empty_version_is_rejected" {
  command = plan

  variables {
    artifact_version = ""
  }

  expect_failures = [var.artifact_version]
}

run "version_with_slash_is_rejected" {
  command = plan

  variables {
    artifact_version = "0.1.0/evil"
  }

  expect_failures = [var.artifact_version]
}
