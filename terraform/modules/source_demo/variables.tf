variable "prefix" {
  description = "Name prefix (project + environment, e.g. `c360-dev`). The instance is `<prefix>-core-banking`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.prefix))
    error_message = "prefix must match ^[a-z][a-z0-9-]{1,20}$."
  }
}

variable "vpc_id" {
  description = "VPC of the private subnets."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123abcd."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets (at least two AZs) for the DB subnet group."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "private_subnet_ids must list at least two subnet ids."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on the PostgreSQL port, by a static name (e.g. { glue = <Glue connection SG id> }); static keys keep for_each plannable."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, s in var.allowed_security_group_ids : can(regex("^[a-z][a-z0-9_-]*$", k))])
    error_message = "allowed_security_group_ids keys must be lowercase names."
  }
}

variable "kms_key_arn" {
  description = "ARN of the lake CMK (storage, master user secret, Performance Insights)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "engine_version" {
  description = "PostgreSQL engine version (major 15; a minor such as 15.10 pins it)."
  type        = string
  default     = "15"

  validation {
    condition     = can(regex("^15(\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be PostgreSQL 15 (15 or 15.x)."
  }
}

variable "instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must look like db.t4g.micro."
  }
}

variable "allocated_storage_gb" {
  description = "Allocated storage in GB (autoscaling up to 5x)."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 1000
    error_message = "allocated_storage_gb must be between 20 and 1000."
  }
}

variable "database_name" {
  description = "Name of the simulated core banking database."
  type        = string
  default     = "core_banking"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a PostgreSQL identifier."
  }
}

variable "master_username" {
  description = "Master user name (its password is generated and kept in Secrets Manager by RDS)."
  type        = string
  default     = "c360_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.master_username)) && !contains(["admin", "postgres", "rdsadmin"], var.master_username)
    error_message = "master_username must be a lowercase identifier (max 16 chars) and not a reserved name."
  }
}

variable "multi_az" {
  description = "Run a standby in a second AZ."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the instance against deletion."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Skip the final snapshot on destroy (throwaway environments only)."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Automated backup retention in days."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35."
  }
}

variable "monitoring_interval_seconds" {
  description = "Enhanced Monitoring interval (0 disables it)."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval_seconds)
    error_message = "monitoring_interval_seconds must be 0, 1, 5, 10, 15, 30 or 60."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
