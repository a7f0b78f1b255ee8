output "bucket_names" {
  description = "Map of layer to bucket name (sources, raw, stage, analytics, sandbox, artifacts, logs)."
  value       = module.lake_storage.bucket_names
}

output "artifacts_bucket" {
  description = "Bucket `make publish` uploads dist/<version>/ to."
  value       = module.lake_storage.bucket_names["artifacts"]
}

output "kms_key_arn" {
  description = "ARN of the lake CMK."
  value       = module.lake_storage.kms_key_arn
}

output "database_names" {
  description = "Map of layer to Glue database."
  value       = module.catalog.database_names
}

output "stage_table_names" {
  description = "STAGE tables created from the contracts."
  value       = module.catalog.stage_table_names
}

output "model_tables" {
  description = "Model tables (int_, fct_, dim_, c360_, sbx_) → Glue database, format (iceberg|parquet), location, writer, partition keys."
  value       = module.catalog.model_tables
}

output "lambda_function_names" {
  description = "Map of function to Lambda name (ingestion + profile_api + run_control)."
  value = merge(module.ingestion.lambda_function_names, {
    profile_api = module.serving.function_name
    run_control = module.orchestration.run_control_function_name
  })
}

output "glue_job_names" {
  description = "Map of Glue job to job name."
  value       = merge(module.processing.glue_job_names, { extract_core_banking = module.ingestion.glue_job_name })
}

output "glue_max_concurrent_runs" {
  description = "Map of Glue job to the concurrent runs it allows (the state machines start several steps on one job)."
  value       = merge(module.processing.glue_max_concurrent_runs, { extract_core_banking = module.ingestion.glue_max_concurrent_runs })
}

output "state_machine_arns" {
  description = "Map of state machine (ASL file name) to ARN."
  value       = module.orchestration.state_machine_arns
}

output "profiles_table_name" {
  description = "DynamoDB profiles table."
  value       = module.serving.table_name
}

output "profile_api_url" {
  description = "Profile API function URL."
  value       = module.serving.function_url
}

output "asl_substitutions" {
  description = "Placeholder values available to stepfunctions/*.asl.json."
  value       = local.asl_substitutions
}

output "emr_image_repository_url" {
  description = "ECR repository to push the SPARK application's image to (make emr-image EMR_IMAGE=<this>:<tag of emr_spark_image_uri>); null when EMR Serverless is disabled."
  value       = module.processing.emr_image_repository_url
}

output "emr_spark_image_uri" {
  description = "The image the EMR Serverless SPARK application runs; push it before the application is created or updated. null when EMR Serverless is disabled."
  value       = module.processing.emr_spark_image_uri
}
