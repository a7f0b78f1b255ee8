output "artifacts_bucket" {
  description = "Bucket `make publish` uploads dist/<version>/ to."
  value       = module.c360.artifacts_bucket
}

output "bucket_names" {
  description = "Map of layer to bucket name."
  value       = module.c360.bucket_names
}

output "database_names" {
  description = "Map of layer to Glue database."
  value       = module.c360.database_names
}

output "lambda_function_names" {
  description = "Map of function to Lambda name."
  value       = module.c360.lambda_function_names
}

output "glue_job_names" {
  description = "Map of Glue job to job name."
  value       = module.c360.glue_job_names
}

output "state_machine_arns" {
  description = "Map of state machine to ARN."
  value       = module.c360.state_machine_arns
}

output "profiles_table_name" {
  description = "DynamoDB profiles table."
  value       = module.c360.profiles_table_name
}

output "profile_api_url" {
  description = "Profile API function URL."
  value       = module.c360.profile_api_url
}

output "emr_spark_image_uri" {
  description = "Image the EMR Serverless SPARK application runs: build and push it with make emr-image EMR_IMAGE=<this> before applying the application."
  value       = module.c360.emr_spark_image_uri
}
