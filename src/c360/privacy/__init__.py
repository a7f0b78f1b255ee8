"""Privacy: the right to erasure and the erasure ledger later ingests apply.

- `erase.erase` removes one person from every layer and DynamoDB, and records
  the request (keyed hashes only) in `ledger.ErasureLedger`;
- `ingest.ErasureFilter` drops erased persons' records from every later
  delivery before it lands in RAW;
- `erase.apply_pending` finishes an erasure a crash interrupted.
"""
