# Simulated core banking PostgreSQL — asserted on the plan with a mocked provider.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  prefix                     = "c360-test"
  vpc_id                     = "vpc-0123456789abcdef0"
  private_subnet_ids         = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  allowed_security_group_ids = { glue = "sg-0cccccccccccccccc" }
  kms_key_arn                = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
}

run "database_is_private_encrypted_postgres15" {
  command = plan

  assert {
    condition     = aws_db_instance.this.engine == "postgres" && startswith(aws_db_instance.this.engine_version, "15")
    error_message = "The core banking source is PostgreSQL 15."
  }

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "The database must not be publicly accessible."
  }

  assert {
    condition     = aws_db_instance.this.storage_encrypted == true && aws_db_instance.this.kms_key_id == var.kms_key_arn
    error_message = "Storage must be encrypted with the CMK."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password == true && aws_db_instance.this.password == null
    error_message = "RDS manages the master password; no literal password."
  }

  assert {
    condition     = aws_db_instance.this.deletion_protection == true
    error_message = "Deletion protection is on by default."
  }

  assert {
    condition     = aws_db_subnet_group.this.subnet_ids == toset(var.private_subnet_ids)
    error_message = "The instance lives in the given private subnets."
  }

  assert {
    condition     = { for p in aws_db_parameter_group.this.parameter : p.name => p.value }["rds.force_ssl"] == "1"
    error_message = "Connections must use TLS."
  }
}

run "only_allowed_security_groups_reach_the_port" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.postgres) == 1 && alltrue([for r in aws_vpc_security_group_ingress_rule.postgres : r.from_port == 5432 && r.to_port == 5432 && r.cidr_ipv4 == null])
    error_message = "Ingress is 5432 from allowed security groups only, never from a CIDR."
  }
}

run "deletion_protection_can_be_relaxed_for_throwaway_envs" {
  command = plan

  variables {
    deletion_protection = false
    skip_final_snapshot = true
  }

  assert {
    condition     = aws_db_instance.this.deletion_protection == false && aws_db_instance.this.final_snapshot_identifier == null
    error_message = "deletion_protection variable must reach the instance."
  }
}

run "other_major_versions_are_rejected" {
  command = plan

  variables {
    engine_version = "16.4"
  }

  expect_failures = [var.engine_version]
}
