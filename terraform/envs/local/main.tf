module "c360" {
  source = "../../modules/stack"

  prefix            = var.prefix
  artifact_version  = var.artifact_version
  package_version   = var.package_version
  contracts_dir     = "${path.module}/../../../contracts"
  model_tables_file = "${path.module}/../../../catalog/model_tables.json"
  stepfunctions_dir = "${path.module}/../../../stepfunctions"

  # Emulator workarounds (documented in docs/terraform.md).
  attach_deny_insecure_transport_policy = var.enable_tls_only_policy
  enable_lake_formation                 = var.enable_lake_formation
  enable_emr_serverless                 = var.enable_emr_serverless
  enable_athena                         = var.enable_athena
  enable_source_demo                    = var.enable_source_demo
  core_banking_db                       = var.core_banking_db

  # Throwaway state: everything can be destroyed at once.
  force_destroy               = true
  deletion_protection         = false
  secret_recovery_window_days = 0
  log_retention_days          = 1
}
