"""Low-latency profile serving: the DynamoDB table design, its loader and the profile API.

Python 3.9-compatible on purpose: `c360.serving.keys`, `.items`, `.loader` and
`.source` run inside the Glue Python shell job (Python 3.9 only); `.api` runs in
the `profile_api` Lambda. They import only boto3 (and pyarrow in `.source`,
tenacity in `.loader`), never the engines.
"""
