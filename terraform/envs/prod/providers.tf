provider "aws" {
  region = var.region

  default_tags {
    tags = local.default_tags
  }
}

locals {
  environment = "prod"
  default_tags = {
    project     = "c360"
    environment = local.environment
    managed_by  = "terraform"
    cost_center = var.cost_center
  }
}
