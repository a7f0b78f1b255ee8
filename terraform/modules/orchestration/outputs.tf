output "state_machine_arns" {
  description = "Map of ASL file name (hourly, daily, weekly, ...) to state machine ARN."
  value       = { for k, s in aws_sfn_state_machine.this : k => s.arn }
}

output "state_machine_names" {
  description = "Map of ASL file name to state machine name."
  value       = { for k, s in aws_sfn_state_machine.this : k => s.name }
}

output "role_arn" {
  description = "ARN of the state machines' execution role."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the state machine executions."
  value       = aws_cloudwatch_log_group.this.name
}

output "schedule_names" {
  description = "Map of schedule to EventBridge Scheduler schedule name."
  value       = { for k, s in aws_scheduler_schedule.this : k => s.name }
}

output "alerts_topic_arn" {
  description = "SNS topic every failed pipeline step publishes to."
  value       = aws_sns_topic.alerts.arn
}

output "definitions" {
  description = "Map of ASL file name to the rendered definition (placeholders filled)."
  value       = { for k, s in local.state_machines : k => s.definition }
}

output "run_control_function_name" {
  description = "Name of the run_control Lambda (first and last state of every state machine)."
  value       = module.run_control.function_name
}

output "run_control_function_arn" {
  description = "ARN of the run_control Lambda (the ASL placeholder `lambda_run_control_arn`)."
  value       = module.run_control.function_arn
}

output "run_control_environment" {
  description = "Environment variables run_control is deployed with (C360_ENV, C360_LOCKS_TABLE, C360_RUN_LEASE_SECONDS, C360_LOG_LEVEL)."
  value       = module.run_control.function_environment
}
