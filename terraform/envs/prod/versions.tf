terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }

  # Partial configuration: bucket, key and region come from
  # `terraform init -backend-config=backend.hcl` (see backend.hcl.example and
  # docs/terraform.md). S3-native locking, no DynamoDB lock table.
  backend "s3" {
    use_lockfile = true
    encrypt      = true
  }
}
