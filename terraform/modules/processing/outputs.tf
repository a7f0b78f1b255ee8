output "glue_job_names" {
  description = "Map of Glue job (conform, load_profiles, sandbox_export) to job name."
  value       = merge({ conform = aws_glue_job.conform.name }, { for k, j in aws_glue_job.python_shell : k => j.name })
}

output "glue_job_arns" {
  description = "Map of Glue job (conform, load_profiles, sandbox_export) to job ARN."
  value       = merge({ conform = aws_glue_job.conform.arn }, { for k, j in aws_glue_job.python_shell : k => j.arn })
}

output "emr_application_ids" {
  description = "Map of EMR Serverless application (spark, hive) to application id; empty when disabled."
  value       = { for k, a in aws_emrserverless_application.this : k => a.id }
}

output "emr_application_arns" {
  description = "Map of EMR Serverless application (spark, hive) to ARN; empty when disabled."
  value       = { for k, a in aws_emrserverless_application.this : k => a.arn }
}

output "emr_job_role_arn" {
  description = "Execution role of EMR Serverless job runs (null when disabled)."
  value       = one(aws_iam_role.emr[*].arn)
}

output "emr_log_uri" {
  description = "S3 URI EMR Serverless job runs write their logs to."
  value       = local.emr_log_uri
}

output "emr_entry_points" {
  description = "Map of EMR Spark job to the s3:// URI of its entry point, for this artifact version."
  value       = module.artifacts.emr_script_uris
}

output "hive_scripts" {
  description = "Map of Hive script to the s3:// URI of its .hql file, for this artifact version."
  value       = module.artifacts.hive_script_uris
}

output "wheel_uri" {
  description = "s3:// URI of the c360 wheel of this artifact version (EMR --py-files)."
  value       = module.artifacts.wheel_uri
}

output "athena_sql_prefix" {
  description = "s3:// prefix of the Athena SQL models of this artifact version."
  value       = module.artifacts.athena_sql_uri_prefix
}

output "athena_workgroup_name" {
  description = "Athena workgroup name (null when disabled)."
  value       = one(aws_athena_workgroup.this[*].name)
}

output "athena_workgroup_arn" {
  description = "Athena workgroup ARN (null when disabled)."
  value       = one(aws_athena_workgroup.this[*].arn)
}

output "athena_results_uri" {
  description = "Enforced Athena query result location."
  value       = local.athena_results_uri
}

output "package_version" {
  description = "Python package version in the wheel name (derived from artifact_version unless set)."
  value       = module.artifacts.package_version
}

output "sandbox_key_secret_arn" {
  description = "ARN of the sandbox masking-key secret."
  value       = aws_secretsmanager_secret.sandbox_key.arn
}

output "glue_max_concurrent_runs" {
  description = "Map of Glue job (conform, load_profiles, sandbox_export) to the concurrent runs it allows."
  value       = merge({ conform = aws_glue_job.conform.execution_property[0].max_concurrent_runs }, { for k, j in aws_glue_job.python_shell : k => j.execution_property[0].max_concurrent_runs })
}

output "glue_default_arguments" {
  description = "Map of Glue job (conform, load_profiles, sandbox_export) to its default arguments."
  value       = merge({ conform = aws_glue_job.conform.default_arguments }, { for k, j in aws_glue_job.python_shell : k => j.default_arguments })
}

output "glue_job_timeouts" {
  description = "Map of Glue job (conform, load_profiles, sandbox_export) to its timeout in minutes."
  value       = merge({ conform = aws_glue_job.conform.timeout }, { for k, j in aws_glue_job.python_shell : k => j.timeout })
}

output "emr_image_repository_url" {
  description = "ECR repository of the SPARK application's image (push `make emr-image` there, tagged emr_spark_image_uri's tag); null when EMR Serverless is disabled."
  value       = var.enable_emr_serverless ? aws_ecr_repository.emr_spark[0].repository_url : null
}

output "emr_spark_image_uri" {
  description = "The image the SPARK application runs (repository:tag); null when EMR Serverless is disabled."
  value       = var.enable_emr_serverless ? "${aws_ecr_repository.emr_spark[0].repository_url}:${local.emr_spark_image_tag}" : null
}
