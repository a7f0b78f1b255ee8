output "address" {
  description = "Host name of the core banking database."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port of the core banking database."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Name of the core banking database."
  value       = aws_db_instance.this.db_name
}

output "master_user_secret_arn" {
  description = "ARN of the RDS-managed secret holding the master credentials."
  value       = try(aws_db_instance.this.master_user_secret[0].secret_arn, null)
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}
