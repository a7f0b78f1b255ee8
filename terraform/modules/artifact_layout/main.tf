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

  lambda_functions = ["crm_api", "crm_ingest", "mainframe_export", "file_drop_ingest", "profile_api"]
  glue_jobs        = ["conform", "extract_core_banking", "load_profiles", "sandbox_export"]
  emr_jobs         = ["identity_link", "aggregate_transactions"]
  hive_scripts     = ["dim_customer_demographic"]

  lambda_keys      = { for f in local.lambda_functions : f => "lambdas/${local.version}/${f}.zip" }
  glue_script_keys = { for j in local.glue_jobs : j => "jobs/${local.version}/glue/${j}.py" }
  emr_script_keys  = { for j in local.emr_jobs : j => "jobs/${local.version}/emr/${j}.py" }
  hive_script_keys = { for h in local.hive_scripts : h => "jobs/${local.version}/emr/hive/${h}.hql" }
  wheel_key        = "wheel/${local.version}/c360-${local.package_version}-py3-none-any.whl"
}
