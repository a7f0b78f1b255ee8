# The whole c360 platform, composed from the layer modules. Environments
# (terraform/envs/*) only configure the provider/backend and call this module.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

data "aws_subnet" "glue" {
  count = var.network == null ? 0 : 1
  id    = var.network.private_subnet_ids[0]
}

module "lake_storage" {
  source = "../lake_storage"

  prefix                                = var.prefix
  bucket_name_suffix                    = var.bucket_name_suffix
  attach_deny_insecure_transport_policy = var.attach_deny_insecure_transport_policy
  force_destroy                         = var.force_destroy
  tags                                  = var.tags
}

module "catalog" {
  source = "../catalog"

  prefix                   = var.prefix
  contracts_dir            = var.contracts_dir
  model_tables_file        = var.model_tables_file
  bucket_names             = module.lake_storage.bucket_names
  kms_key_arn              = module.lake_storage.kms_key_arn
  enable_lake_formation    = var.enable_lake_formation
  data_scientist_role_arns = var.data_scientist_role_arns
  tags                     = var.tags
}

# Glue ENIs: Glue requires a self-referencing rule on the connection's group.
resource "aws_security_group" "glue" {
  #checkov:skip=CKV2_AWS_5:Attached to the Glue JDBC connection and EMR Serverless through module inputs, which the graph check cannot follow.
  #checkov:skip=CKV_AWS_382:Glue Spark workers need HTTPS egress to regional AWS endpoints (S3, Glue, Secrets Manager, KMS, CloudWatch) whose addresses are not fixed.
  count = var.network == null ? 0 : 1

  name        = "${var.prefix}-glue-connection"
  description = "Glue JDBC connection ENIs of ${var.prefix}"
  vpc_id      = var.network.vpc_id
  tags        = merge(var.tags, { Name = "${var.prefix}-glue-connection" })
}

resource "aws_vpc_security_group_ingress_rule" "glue_self" {
  #checkov:skip=CKV_AWS_24:False positive: the source is the group itself (referenced_security_group_id), not 0.0.0.0/0.
  #checkov:skip=CKV_AWS_25:False positive: the source is the group itself (referenced_security_group_id), not 0.0.0.0/0.
  #checkov:skip=CKV_AWS_260:False positive: the source is the group itself (referenced_security_group_id), not 0.0.0.0/0.
  count = var.network == null ? 0 : 1

  security_group_id            = aws_security_group.glue[0].id
  description                  = "Glue workers talk to each other (required by Glue)"
  ip_protocol                  = "tcp"
  from_port                    = 0
  to_port                      = 65535
  referenced_security_group_id = aws_security_group.glue[0].id
}

resource "aws_vpc_security_group_egress_rule" "glue_self" {
  count = var.network == null ? 0 : 1

  security_group_id            = aws_security_group.glue[0].id
  description                  = "Glue workers talk to each other (required by Glue)"
  ip_protocol                  = "tcp"
  from_port                    = 0
  to_port                      = 65535
  referenced_security_group_id = aws_security_group.glue[0].id
}

resource "aws_vpc_security_group_egress_rule" "glue_https" {
  count = var.network == null ? 0 : 1

  security_group_id = aws_security_group.glue[0].id
  description       = "HTTPS to AWS service endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "glue_postgres" {
  count = var.network != null && var.enable_source_demo ? 1 : 0

  security_group_id            = aws_security_group.glue[0].id
  description                  = "PostgreSQL to the core banking database"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = module.source_demo[0].security_group_id
}

module "source_demo" {
  source = "../source_demo"
  count  = var.enable_source_demo ? 1 : 0

  prefix                     = var.prefix
  vpc_id                     = var.network.vpc_id
  private_subnet_ids         = var.network.private_subnet_ids
  allowed_security_group_ids = var.network == null ? {} : { glue = aws_security_group.glue[0].id }
  kms_key_arn                = module.lake_storage.kms_key_arn
  deletion_protection        = var.deletion_protection
  skip_final_snapshot        = !var.deletion_protection
  tags                       = var.tags
}

module "ingestion" {
  source = "../ingestion"

  prefix                      = var.prefix
  artifact_version            = var.artifact_version
  package_version             = var.package_version
  artifacts_bucket            = module.lake_storage.bucket_names["artifacts"]
  raw_bucket                  = module.lake_storage.bucket_names["raw"]
  kms_key_arn                 = module.lake_storage.kms_key_arn
  log_retention_days          = var.log_retention_days
  secret_recovery_window_days = var.secret_recovery_window_days
  core_banking_db = var.enable_source_demo ? {
    host     = module.source_demo[0].address
    port     = module.source_demo[0].port
    database = module.source_demo[0].database_name
  } : var.core_banking_db
  # The sources' side: drops and the simulated CRM's pages in the sources
  # bucket (the generator's output layout) unless real locations are given.
  file_drop_source_uri = coalesce(var.file_drop_source_uri, "s3://${module.lake_storage.bucket_names["sources"]}/")
  crm_data_uri         = coalesce(var.crm_data_uri, "s3://${module.lake_storage.bucket_names["sources"]}/crm/customers/")
  crm_api_faults       = var.crm_api_faults
  crm_api_url          = var.crm_api_url
  glue_timeout_minutes = var.job_timeout_minutes
  glue_connection_network = var.network == null ? null : {
    subnet_id          = var.network.private_subnet_ids[0]
    security_group_ids = [aws_security_group.glue[0].id]
    availability_zone  = data.aws_subnet.glue[0].availability_zone
  }
  tags = var.tags
}

module "serving" {
  source = "../serving"

  prefix              = var.prefix
  artifact_version    = var.artifact_version
  artifacts_bucket    = module.lake_storage.bucket_names["artifacts"]
  kms_key_arn         = module.lake_storage.kms_key_arn
  deletion_protection = var.deletion_protection
  api_invoker_arns    = var.api_invoker_arns
  log_retention_days  = var.log_retention_days
  tags                = var.tags
}

module "processing" {
  source = "../processing"

  prefix                = var.prefix
  artifact_version      = var.artifact_version
  package_version       = var.package_version
  bucket_names          = module.lake_storage.bucket_names
  database_names        = module.catalog.database_names
  raw_dataset_paths     = module.catalog.raw_dataset_paths
  kms_key_arn           = module.lake_storage.kms_key_arn
  profiles_table_name   = module.serving.table_name
  enable_emr_serverless = var.enable_emr_serverless
  enable_athena         = var.enable_athena
  force_destroy         = var.force_destroy
  job_timeout_minutes   = var.job_timeout_minutes

  secret_recovery_window_days = var.secret_recovery_window_days
  emr_network = var.network == null ? null : {
    subnet_ids         = var.network.private_subnet_ids
    security_group_ids = [aws_security_group.glue[0].id]
  }
  tags = var.tags
}

locals {
  buckets   = module.lake_storage.bucket_names
  databases = module.catalog.database_names

  # Every `${name}` an ASL file in stepfunctions/ may use. The first block is
  # the contract with the generator (c360.orchestration.asl.PLACEHOLDERS);
  # `alerts_topic_arn`, `lambda_run_control_arn` and `job_timeout_minutes` are
  # added by the orchestration module, which owns the topic, the run_control
  # Lambda and the job timeout its run lock's lease is checked against.
  # Disabled services render as "" so definitions still render.
  asl_substitutions = {
    lambda_crm_ingest_arn         = module.ingestion.lambda_function_arns["crm_ingest"]
    lambda_mainframe_export_arn   = module.ingestion.lambda_function_arns["mainframe_export"]
    lambda_file_drop_ingest_arn   = module.ingestion.lambda_function_arns["file_drop_ingest"]
    glue_job_conform              = module.processing.glue_job_names["conform"]
    glue_job_extract_core_banking = module.ingestion.glue_job_name
    glue_job_load_profiles        = module.processing.glue_job_names["load_profiles"]
    glue_job_sandbox_export       = module.processing.glue_job_names["sandbox_export"]
    athena_workgroup              = module.processing.athena_workgroup_name == null ? "" : module.processing.athena_workgroup_name
    stage_database                = local.databases["stage"]
    analytics_database            = local.databases["analytics"]
    raw_bucket                    = local.buckets["raw"]
    stage_bucket                  = local.buckets["stage"]
    analytics_bucket              = local.buckets["analytics"]
    sandbox_bucket                = local.buckets["sandbox"]
    emr_spark_application_id      = lookup(module.processing.emr_application_ids, "spark", "")
    emr_hive_application_id       = lookup(module.processing.emr_application_ids, "hive", "")
    emr_execution_role_arn        = module.processing.emr_job_role_arn == null ? "" : module.processing.emr_job_role_arn
    artifacts_bucket              = local.buckets["artifacts"]
    artifact_version              = var.artifact_version
    package_version               = module.processing.package_version

    # Extras for hand-written definitions.
    prefix                 = var.prefix
    region                 = data.aws_region.current.name
    account_id             = data.aws_caller_identity.current.account_id
    lambda_crm_api_arn     = module.ingestion.lambda_function_arns["crm_api"]
    lambda_profile_api_arn = module.serving.function_arn
    raw_database           = local.databases["raw"]
    sandbox_database       = local.databases["sandbox"]
    athena_results_uri     = module.processing.athena_results_uri
    emr_log_uri            = module.processing.emr_log_uri
    profiles_table         = module.serving.table_name
  }
}

module "orchestration" {
  source = "../orchestration"

  prefix          = var.prefix
  definitions_dir = var.stepfunctions_dir
  schedules = var.pipeline_schedules != null ? var.pipeline_schedules : {
    hourly = { state_machine = "hourly", expression = "rate(1 hour)", enabled = true }
    daily  = { state_machine = "daily", expression = "cron(0 3 * * ? *)", enabled = true }
    weekly = { state_machine = "weekly", expression = "cron(0 4 ? * MON *)", enabled = true }
  }
  substitutions      = local.asl_substitutions
  kms_key_arn        = module.lake_storage.kms_key_arn
  log_retention_days = var.log_retention_days
  # run_control: its zip, and the run lock in the profiles table (pk = LOCK#<prefix>,
  # beside the profiles; c360.locking.DynamoDBLock, as the erasure's lock).
  artifacts_bucket    = local.buckets["artifacts"]
  artifact_version    = var.artifact_version
  locks_table_name    = module.serving.table_name
  locks_table_arn     = module.serving.table_arn
  run_lease_seconds   = var.run_lease_seconds
  job_timeout_minutes = var.job_timeout_minutes
  lambda_function_arns = concat(
    values(module.ingestion.lambda_function_arns),
    [module.serving.function_arn],
  )
  glue_job_arns = concat(
    [module.ingestion.glue_job_arn],
    values(module.processing.glue_job_arns),
  )
  emr_application_arns = values(module.processing.emr_application_arns)
  emr_job_role_arn     = module.processing.emr_job_role_arn
  athena = var.enable_athena ? {
    workgroup_arn       = module.processing.athena_workgroup_arn
    read_bucket_names   = [local.buckets["stage"], local.buckets["analytics"]]
    write_bucket_names  = [local.buckets["analytics"], local.buckets["sandbox"]]
    glue_database_names = [local.databases["stage"], local.databases["analytics"], local.databases["sandbox"]]
  } : null
  tags = var.tags
}
