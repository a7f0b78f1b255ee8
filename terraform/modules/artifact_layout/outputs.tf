output "artifact_version" {
  description = "The artifact version every key below is built from."
  value       = local.version
}

output "package_version" {
  description = "Python package version used in the wheel name."
  value       = local.package_version
}

output "lambda_functions" {
  description = "Lambda functions of the platform (each has lambdas/<fn>/handler.py)."
  value       = local.lambda_functions
}

output "glue_jobs" {
  description = "Glue jobs of the platform (each has jobs/glue/<job>.py)."
  value       = local.glue_jobs
}

output "emr_jobs" {
  description = "EMR Serverless Spark entry points of the platform (each has jobs/emr/<job>.py)."
  value       = local.emr_jobs
}

output "dist_keys" {
  description = "Map of path under dist/<version>/ (what `make build` writes) to the S3 key `make publish` uploads it to, for every artifact Lambdas and jobs reference (Athena SQL is read by prefix and not listed)."
  value       = local.dist_keys
}

output "lambda_keys" {
  description = "Map of Lambda function name to the S3 key of its zip."
  value       = local.lambda_keys
}

output "glue_script_keys" {
  description = "Map of Glue job name to the S3 key of its script."
  value       = local.glue_script_keys
}

output "glue_script_uris" {
  description = "Map of Glue job name to the s3:// URI of its script."
  value       = { for k, v in local.glue_script_keys : k => "${local.bucket_uri}/${v}" }
}

output "emr_script_keys" {
  description = "Map of EMR Spark job name to the S3 key of its entry point."
  value       = local.emr_script_keys
}

output "emr_script_uris" {
  description = "Map of EMR Spark job name to the s3:// URI of its entry point."
  value       = { for k, v in local.emr_script_keys : k => "${local.bucket_uri}/${v}" }
}

output "hive_script_keys" {
  description = "Map of Hive script name to the S3 key of its .hql file."
  value       = local.hive_script_keys
}

output "hive_script_uris" {
  description = "Map of Hive script name to the s3:// URI of its .hql file."
  value       = { for k, v in local.hive_script_keys : k => "${local.bucket_uri}/${v}" }
}

output "wheel_key" {
  description = "S3 key of the shared c360 wheel."
  value       = local.wheel_key
}

output "wheel_uri" {
  description = "s3:// URI of the shared c360 wheel (Glue --additional-python-modules / --extra-py-files, EMR --py-files)."
  value       = "${local.bucket_uri}/${local.wheel_key}"
}

output "glue_shell_wheel_key" {
  description = "S3 key of the Glue Python shell jobs' wheel (the c360 modules they import, for Python 3.9)."
  value       = local.glue_shell_wheel_key
}

output "glue_shell_wheel_uri" {
  description = "s3:// URI of the Glue Python shell jobs' wheel (their --extra-py-files): the shared wheel requires Python 3.11, which Glue's Python shell lacks."
  value       = "${local.bucket_uri}/${local.glue_shell_wheel_key}"
}

output "athena_sql_prefix" {
  description = "S3 key prefix (with trailing slash) under which the Athena SQL models of this version live."
  value       = "sql/${local.version}/athena/"
}

output "athena_sql_uri_prefix" {
  description = "s3:// URI prefix (with trailing slash) of the Athena SQL models of this version."
  value       = "${local.bucket_uri}/sql/${local.version}/athena/"
}

output "job_read_prefixes" {
  description = "Key prefixes a Glue job of this version may read (for IAM resource ARNs): the Glue scripts and the wheel."
  value       = ["jobs/${local.version}/glue/*", "wheel/${local.version}/*"]
}
