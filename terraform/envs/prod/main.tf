data "aws_caller_identity" "current" {}

module "c360" {
  source = "../../modules/stack"

  prefix            = var.prefix
  artifact_version  = var.artifact_version
  package_version   = var.package_version
  contracts_dir     = "${path.module}/../../../contracts"
  model_tables_file = "${path.module}/../../../catalog/model_tables.json"
  stepfunctions_dir = "${path.module}/../../../stepfunctions"

  # Bucket names are global: suffix them with the account id.
  bucket_name_suffix = data.aws_caller_identity.current.account_id

  network                  = var.network
  enable_source_demo       = var.enable_source_demo
  core_banking_db          = var.core_banking_db
  data_scientist_role_arns = var.data_scientist_role_arns
  api_invoker_arns         = var.api_invoker_arns
  log_retention_days       = var.log_retention_days
  file_drop_source_uri     = var.file_drop_source_uri
  crm_data_uri             = var.crm_data_uri

  deletion_protection = true
  force_destroy       = false
}
