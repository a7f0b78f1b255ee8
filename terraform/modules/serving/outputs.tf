output "table_name" {
  description = "Name of the DynamoDB profiles table."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the DynamoDB profiles table."
  value       = aws_dynamodb_table.this.arn
}

output "function_name" {
  description = "Name of the profile API Lambda."
  value       = module.profile_api.function_name
}

output "function_arn" {
  description = "ARN of the profile API Lambda."
  value       = module.profile_api.function_arn
}

output "function_url" {
  description = "HTTPS endpoint of the profile API (SigV4-signed calls when auth is AWS_IAM)."
  value       = aws_lambda_function_url.this.function_url
}
