output "lambda_function_names" {
  description = "Map of ingestion function (crm_api, crm_ingest, mainframe_export, file_drop_ingest) to Lambda function name."
  value       = { for f, m in module.functions : f => m.function_name }
}

output "lambda_function_arns" {
  description = "Map of ingestion function to Lambda function ARN."
  value       = { for f, m in module.functions : f => m.function_arn }
}

output "glue_job_name" {
  description = "Name of the extract_core_banking Glue job."
  value       = aws_glue_job.this.name
}

output "glue_job_arn" {
  description = "ARN of the extract_core_banking Glue job."
  value       = aws_glue_job.this.arn
}

output "glue_connection_name" {
  description = "Name of the core banking JDBC connection."
  value       = aws_glue_connection.this.name
}

output "db_secret_arn" {
  description = "ARN of the secret holding the extract user's credentials."
  value       = aws_secretsmanager_secret.db.arn
}

output "db_secret_name" {
  description = "Name of the secret holding the extract user's credentials."
  value       = aws_secretsmanager_secret.db.name
}

output "schedule_names" {
  description = "Map of function to EventBridge Scheduler schedule name."
  value       = { for f, s in aws_scheduler_schedule.this : f => s.name }
}

output "glue_max_concurrent_runs" {
  description = "Concurrent runs allowed of the extract_core_banking job."
  value       = aws_glue_job.this.execution_property[0].max_concurrent_runs
}

output "lambda_environment" {
  description = "Map of ingestion function to the environment variables it is deployed with."
  value       = { for f, m in module.functions : f => m.function_environment }
}

output "dataset_raw_paths" {
  description = "Map of every dataset this module lands (Lambdas and the extract job) to its RAW path (must equal raw.path in contracts/<dataset>.yaml)."
  value       = { for d, s in local.datasets : d => s.raw_path }
}

output "glue_job_timeout_minutes" {
  description = "Timeout of the extract_core_banking job, in minutes."
  value       = aws_glue_job.this.timeout
}
