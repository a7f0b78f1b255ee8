# Targets the AWS emulator (moto server, or LocalStack): the endpoint comes
# from the standard AWS_ENDPOINT_URL environment variable, which the provider
# honours, and credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (any
# value). Nothing here names a port.
provider "aws" {
  region = var.region

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  # moto answers sts:GetCallerIdentity; ARNs in policies need the account id.
  skip_requesting_account_id = false
  # Few retries: moto's 500s would otherwise be retried for minutes. One
  # retry rides over a connection the threaded emulator closes under load
  # ("use of closed network connection" while reading a 200).
  max_retries       = 2
  s3_use_path_style = true

  default_tags {
    tags = local.default_tags
  }
}

locals {
  environment = "local"
  default_tags = {
    project     = "c360"
    environment = local.environment
    managed_by  = "terraform"
    cost_center = var.cost_center
  }
}
