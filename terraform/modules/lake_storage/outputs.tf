output "bucket_names" {
  description = "Map of layer (sources, raw, stage, analytics, sandbox, artifacts, logs) to bucket name."
  value       = { for l, b in aws_s3_bucket.this : l => b.bucket }
}

output "bucket_arns" {
  description = "Map of layer to bucket ARN."
  value       = { for l, b in aws_s3_bucket.this : l => b.arn }
}

output "kms_key_arn" {
  description = "ARN of the lake CMK (rotation on). Pass it to every module that stores data."
  value       = aws_kms_key.this.arn
}

output "kms_key_id" {
  description = "Key id of the lake CMK."
  value       = aws_kms_key.this.key_id
}

output "kms_alias_name" {
  description = "Alias of the lake CMK."
  value       = aws_kms_alias.this.name
}
