# Pure naming module: the one place that knows where `make publish` puts each
# artifact in the artifacts bucket. It creates no resources.
#
#   dist/<version>/lambdas/<fn>.zip          -> lambdas/<version>/<fn>.zip
#   dist/<version>/jobs/glue/<job>.py        -> jobs/<version>/glue/<job>.py
#   dist/<version>/jobs/emr/<job>.py         -> jobs/<version>/emr/<job>.py
#   dist/<version>/jobs/emr/hive/<name>.hql  -> jobs/<version>/emr/hive/<name>.hql
#   dist/<version>/wheel/<wheel>             -> wheel/<version>/<wheel>
#   dist/<version>/sql/athena/<model>.sql    -> sql/<version>/athena/<model>.sql

locals {
  version         = var.artifact_version
  package_version = coalesce(var.package_version, split("+", var.artifact_version)[0])
  bucket_uri      = "s3://${var.artifacts_bucket}"

  # What the deployed platform runs (kept equal to what `make build` writes
  # for lambdas/*/handler.py, jobs/glue/*.py, jobs/emr/*.py, jobs/emr/hive/*.hql):
  #   Lambdas    ingestion (crm_api, crm_ingest, mainframe_export, file_drop_ingest),
  #              serving (profile_api), orchestration (run_control)
  #   Glue       conform, extract_core_banking (Spark); load_profiles, sandbox_export (Python shell)
  #   EMR Spark  run_model (one SQL model: --model spark/<table>), identity_link,
  #              aggregate_transactions, customer_preferences
  #   EMR Hive   dim_customer_demographic
  lambda_functions = ["crm_api", "crm_ingest", "mainframe_export", "file_drop_ingest", "profile_api", "run_control"]
  glue_jobs        = ["conform", "extract_core_banking", "load_profiles", "sandbox_export"]
  emr_jobs         = ["run_model", "identity_link", "aggregate_transactions", "customer_preferences"]
  hive_scripts     = ["dim_customer_demographic"]

  lambda_keys      = { for f in local.lambda_functions : f => "lambdas/${local.version}/${f}.zip" }
  glue_script_keys = { for j in local.glue_jobs : j => "jobs/${local.version}/glue/${j}.py" }
  emr_script_keys  = { for j in local.emr_jobs : j => "jobs/${local.version}/emr/${j}.py" }
  hive_script_keys = { for h in local.hive_scripts : h => "jobs/${local.version}/emr/hive/${h}.hql" }
  wheel_file       = "c360-${local.package_version}-py3-none-any.whl"
  wheel_key        = "wheel/${local.version}/${local.wheel_file}"
  # The Glue Python shell jobs' own wheel (Python 3.9; c360.build.build_glue_shell_wheel).
  glue_shell_wheel_file = "c360_glue_shell-${local.package_version}-py3-none-any.whl"
  glue_shell_wheel_key  = "wheel/${local.version}/${local.glue_shell_wheel_file}"

  # dist/<version>/<path> -> S3 key: every artifact this layout expects a build to hold.
  dist_keys = merge(
    { for f, k in local.lambda_keys : "lambdas/${f}.zip" => k },
    { for j, k in local.glue_script_keys : "jobs/glue/${j}.py" => k },
    { for j, k in local.emr_script_keys : "jobs/emr/${j}.py" => k },
    { for h, k in local.hive_script_keys : "jobs/emr/hive/${h}.hql" => k },
    { "wheel/${local.wheel_file}" = local.wheel_key },
    { "wheel/${local.glue_shell_wheel_file}" = local.glue_shell_wheel_key },
  )
}
