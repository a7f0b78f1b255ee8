variable "artifacts_bucket" {
  description = "Name of the S3 bucket that holds the published build artifacts (`make publish` target)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket))
    error_message = "artifacts_bucket must be a valid S3 bucket name."
  }
}

variable "artifact_version" {
  description = "Version of the build to reference: package version + git short sha, e.g. `0.1.0+abc1234` (what `make build` writes under dist/<version>/)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$", var.artifact_version))
    error_message = "artifact_version must be non-empty, at most 64 characters of [0-9A-Za-z._+-] and contain no slash, e.g. 0.1.0+abc1234."
  }
}

variable "package_version" {
  description = "Python package version in the wheel file name (c360-<package_version>-py3-none-any.whl). Null derives it from artifact_version (the part before '+')."
  type        = string
  default     = null

  validation {
    condition     = var.package_version == null || can(regex("^[0-9][0-9A-Za-z.]*$", coalesce(var.package_version, "0")))
    error_message = "package_version must be a PEP 440 public version such as 0.1.0."
  }
}
