output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function (unqualified)."
  value       = aws_lambda_function.this.arn
}

output "function_invoke_arn" {
  description = "ARN to invoke the function from API Gateway."
  value       = aws_lambda_function.this.invoke_arn
}

output "function_description" {
  description = "Description of the function (with the artifact version)."
  value       = aws_lambda_function.this.description
}

output "function_runtime" {
  description = "Runtime of the function."
  value       = aws_lambda_function.this.runtime
}

output "function_handler" {
  description = "Handler of the function."
  value       = aws_lambda_function.this.handler
}

output "function_s3_bucket" {
  description = "Bucket of the deployment zip."
  value       = aws_lambda_function.this.s3_bucket
}

output "function_s3_key" {
  description = "Key of the deployment zip."
  value       = aws_lambda_function.this.s3_key
}

output "function_memory_size" {
  description = "Memory of the function in MB."
  value       = aws_lambda_function.this.memory_size
}

output "function_timeout" {
  description = "Timeout of the function in seconds."
  value       = aws_lambda_function.this.timeout
}

output "function_reserved_concurrent_executions" {
  description = "Reserved concurrency of the function (-1: unreserved)."
  value       = aws_lambda_function.this.reserved_concurrent_executions
}

output "function_kms_key_arn" {
  description = "CMK encrypting the function's environment."
  value       = aws_lambda_function.this.kms_key_arn
}

output "function_tracing_mode" {
  description = "X-Ray tracing mode of the function (Active)."
  value       = one(aws_lambda_function.this.tracing_config).mode
}

output "function_logging_config" {
  description = "Logging configuration of the function: log_format (JSON) and log_group."
  value       = { log_format = one(aws_lambda_function.this.logging_config).log_format, log_group = one(aws_lambda_function.this.logging_config).log_group }
}

output "function_environment" {
  description = "Environment variables the function is deployed with (empty map when none)."
  value       = try(one(aws_lambda_function.this.environment).variables, tomap({}))
}

output "function_tags" {
  description = "Tags set on the function (var.tags and artifact_version)."
  value       = aws_lambda_function.this.tags
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the function's execution role (`<name>-lambda`)."
  value       = aws_iam_role.this.name
}

output "role_assume_role_policy" {
  description = "Trust policy (JSON) of the execution role: lambda.amazonaws.com of this account only."
  value       = aws_iam_role.this.assume_role_policy
}

output "role_policy" {
  description = "Inline policy (JSON) of the execution role: WriteOwnLogs, XRayWriteNoResourceLevel, then policy_statements."
  value       = aws_iam_role_policy.this.policy
}

output "log_group_name" {
  description = "Name of the function's log group (`/aws/lambda/<name>`)."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = aws_cloudwatch_log_group.this.arn
}

output "log_group_retention_in_days" {
  description = "Retention of the function's log group."
  value       = aws_cloudwatch_log_group.this.retention_in_days
}

output "log_group_kms_key_id" {
  description = "CMK encrypting the function's log group."
  value       = aws_cloudwatch_log_group.this.kms_key_id
}
