output "database_names" {
  description = "Map of layer (raw, stage, analytics, sandbox) to Glue database name."
  value       = { for l, d in aws_glue_catalog_database.this : l => d.name }
}

output "stage_table_names" {
  description = "Names of the stg_<dataset> tables created from the contracts."
  value       = sort(keys(aws_glue_catalog_table.stage))
}

output "model_tables" {
  description = "Each model table of model_tables_file (int_, fct_, dim_, c360_, sbx_) → its Glue database, format (iceberg for Athena-written tables, else parquet), S3 location, writer (the step kind that writes it in AWS) and partition keys."
  value = {
    for n, t in local.model_tables : n => {
      database       = aws_glue_catalog_database.this[t.layer].name
      format         = t.format
      location       = t.location
      writer         = t.writer
      partition_keys = [for p in t.partition_keys : p.name]
    }
  }
}

output "datasets" {
  description = "Datasets found in contracts_dir."
  value       = sort(keys(local.contracts))
}

output "raw_dataset_paths" {
  description = "Each contract's raw.path: the RAW folders the conform job reads (below the raw bucket)."
  value       = sort(distinct([for c in local.contracts : c.raw.path]))
}

output "lake_formation_role_arn" {
  description = "ARN of the role Lake Formation uses for the registered locations (null when Lake Formation is off)."
  value       = one(aws_iam_role.lake_formation[*].arn)
}
