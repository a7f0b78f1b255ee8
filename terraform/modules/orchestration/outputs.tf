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
