"""Right to erasure: remove one person from every layer, and keep them from coming back.

`erase(...)` runs under the environment's erasure lock (no pipeline run at the
same time) in this order, each part idempotent so a crash is finished by
running it again (or by the next pipeline run, `apply_pending`):

1. **Resolve** the person (by customer id, email or national id) through the
   identity registry: their customer id(s), every source record the registry
   maps to them, and the identifiers those records carry (keys, emails,
   national ids, phones, accounts, devices). An email, phone or national id that
   other customers' records also carry (a shared household landline) is not
   used: erasing by it would erase someone else.
2. **Record** the request in the erasure ledger — keyed hashes only — first, so
   that from this moment every ingest drops the person's records at the door.
3. **Purge** every layer by those hashes: RAW files rewritten (with an audit
   record: rows removed, sha256 before and after), every Parquet table of STAGE
   (`stg_*`, `quarantine_*`, `int_*`, the registry included), ANALYTICS and
   SANDBOX (rows found by their tokenized customer id), leftover scratch and
   staging folders deleted, and the DynamoDB profile and lookup items.
4. **Complete**: the audit and a `done` marker are written.

RAW is immutable except for this: erasure is the one documented exception.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from c360.config import Settings
from c360.contracts import Contract, load_contracts
from c360.ingest.store import MANIFEST, LocalStore, ObjectStore, S3Store, store_for
from c360.lake import LAYERS, STAGING, Lake
from c360.locking import Lock, erase_lock
from c360.privacy import identifiers as ids
from c360.privacy.ledger import ErasureLedger, ErasureRequest, Matcher, keyed_hash
from c360.privacy.raw import redact
from c360.privacy.tables import distinct_values, purge, source_key_values

log = logging.getLogger("c360.privacy")

SELECTORS = (ids.CUSTOMER_ID, ids.EMAIL, ids.NATIONAL_ID)
QUARANTINE_ROOT = "_quarantine"
XREF = "int_customer_xref"
PERSON_RECORDS = "int_person_records"
ACCOUNTS = "stg_core_banking_accounts"
SCRATCH = ("_work",)
"""Local lake folders holding run scratch (conversions before landing): deleted whole."""


class ErasureError(ValueError):
    """The request cannot be carried out as given; the message says why."""


@dataclass
class Change:
    """One thing erasure changed: a file, a table file or DynamoDB items."""

    layer: str
    target: str
    removed: int
    records: int = 0
    sha256_before: str = ""
    sha256_after: str = ""


@dataclass
class ErasureReport:
    request_id: str
    selector: str
    customers: int
    """Customer ids the person had."""
    source_records: int
    """Source records the identity registry mapped to them."""
    identifiers: dict[str, int]
    """Identifiers recorded in the ledger, by kind (counts only)."""
    shared_skipped: int = 0
    """Emails/phones/national ids also used by other customers, not used to erase."""
    resumed: bool = False
    """The request was already in the ledger (a repeat or an unfinished erasure)."""
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def by_layer(self) -> dict[str, dict[str, int]]:
        """`{layer: {"objects": n changed, "removed": rows/items}}`, every layer listed."""
        summary = {layer: {"objects": 0, "removed": 0}
                   for layer in (*LAYERS, "scratch", "dynamodb")}
        for change in self.changes:
            entry = summary.setdefault(change.layer, {"objects": 0, "removed": 0})
            entry["objects"] += 1
            entry["removed"] += change.removed
        return summary

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"by_layer": self.by_layer()}


# -- stores ----------------------------------------------------------------------------


def layer_stores(lake: Lake, s3_client: Any = None) -> dict[str, ObjectStore]:
    """One object store per layer (local folders, or the layer buckets)."""
    return {layer: store_for(lake.layer_roots[layer], s3_client) for layer in LAYERS}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rewrite(store: ObjectStore, key: str, data: bytes) -> None:
    """Replace an object; in a versioned bucket, also delete its older versions.

    The lake buckets keep noncurrent versions (for accidental deletes) for weeks:
    an erased person must not live on in them.
    """
    store.write(key, data)
    if isinstance(store, S3Store):
        full = store._key(key)
        pages = store.client.get_paginator("list_object_versions").paginate(
            Bucket=store.bucket, Prefix=full)
        for page in pages:
            for version in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if version["Key"] == full and not version.get("IsLatest"):
                    store.client.delete_object(Bucket=store.bucket, Key=full,
                                               VersionId=version["VersionId"])


def _data_keys(store: ObjectStore, prefix: str = "") -> list[str]:
    """Data objects under `prefix`, without checksums and hidden/marker files."""
    return [k for k in store.list(prefix)
            if not any(part.startswith(".") for part in k.split("/"))
            and not k.rsplit("/", 1)[-1].startswith("_") and not k.endswith(".crc")]


def read_table(store: ObjectStore, table: str) -> pa.Table | None:
    """Every Parquet file of `table` in a layer store, concatenated (None when absent)."""
    parts = [pq.read_table(pa.BufferReader(store.read(k) or b""))
             for k in _data_keys(store, table) if k.endswith(".parquet")]
    if not parts:
        return None
    return pa.concat_tables(parts, promote_options="permissive")


# -- 1. resolve --------------------------------------------------------------------------


@dataclass
class Person:
    """What the registry knows about the person to erase (held in memory only)."""

    customer_ids: set[str]
    records: set[tuple[str, str]]
    identifiers: dict[str, set[str]]
    shared_skipped: int = 0


def _take(table: pa.Table, rows: list[int]) -> pa.Table:
    return table.take(pa.array(rows, pa.int64()))


def _normalized(kind: str, values: Iterable[object]) -> set[str]:
    return {n for n in (ids.normalize(kind, v) for v in values) if n is not None}


def resolve(stage: ObjectStore, selector: str, value: str) -> Person:
    """The person's customer ids, source records and identifiers, from the registry."""
    wanted = ids.normalize(selector, value)
    if wanted is None:
        raise ErasureError(f"--{selector.replace('_', '-')} is not a valid {selector}")
    xref = read_table(stage, XREF)
    people = read_table(stage, PERSON_RECORDS)
    person = Person(set(), set(), {selector: {wanted}})
    if selector == ids.CUSTOMER_ID:
        person.customer_ids.add(wanted)
    if people is not None and selector != ids.CUSTOMER_ID:
        column = people[selector] if selector in people.column_names else None
        if column is not None:
            texts = pc.cast(column, pa.string()).to_pylist()
            hits = [i for i, t in enumerate(texts) if ids.normalize(selector, t) == wanted]
            matched = _take(people, hits)
            person.records.update(zip(matched["source_system"].to_pylist(),
                                      matched["source_key"].to_pylist(), strict=True))
    current: dict[tuple[str, str], str] = {}
    if xref is not None:
        is_open = pc.is_null(xref["valid_to"]) if "valid_to" in xref.column_names else None
        rows = xref.filter(is_open) if is_open is not None else xref
        current = {(s, k): c for s, k, c in zip(rows["source_system"].to_pylist(),
                                                rows["source_key"].to_pylist(),
                                                rows["customer_id"].to_pylist(), strict=True)}
        person.customer_ids.update(current[r] for r in person.records if r in current)
        for (system, key, cid) in zip(xref["source_system"].to_pylist(),
                                      xref["source_key"].to_pylist(),
                                      xref["customer_id"].to_pylist(), strict=True):
            if cid in person.customer_ids and current.get((system, key), cid) == cid:
                person.records.add((system, key))
    person.identifiers[ids.CUSTOMER_ID] = set(person.customer_ids)
    keys_table = pa.table({"source_system": [s for s, _ in person.records],
                           "source_key": [k for _, k in person.records]},
                          schema=pa.schema([("source_system", pa.string()),
                                            ("source_key", pa.string())]))
    for kind, values in source_key_values(keys_table).items():
        person.identifiers.setdefault(kind, set()).update(values)
    if people is not None:
        _collect_contacts(person, people, current)
    accounts = read_table(stage, ACCOUNTS)
    numbers = person.identifiers.get(ids.CUSTOMER_NUMBER, set())
    if accounts is not None and numbers and "customer_number" in accounts.column_names:
        texts = pc.cast(accounts["customer_number"], pa.string()).to_pylist()
        mine = [i for i, t in enumerate(texts) if ids.normalize(ids.CUSTOMER_NUMBER, t) in numbers]
        person.identifiers.setdefault(ids.ACCOUNT_ID, set()).update(
            _normalized(ids.ACCOUNT_ID, _take(accounts, mine)["account_id"].to_pylist()))
    return person


def _collect_contacts(person: Person, people: pa.Table, current: Mapping[tuple[str, str], str]
                      ) -> None:
    """Add the person's emails, phones, national ids and customer numbers; skip shared ones."""
    pairs = list(zip(people["source_system"].to_pylist(), people["source_key"].to_pylist(),
                     strict=True))
    mine = [i for i, p in enumerate(pairs) if p in person.records]
    others = [i for i, p in enumerate(pairs)
              if p not in person.records and current.get(p) not in person.customer_ids]
    columns = {"email": ids.EMAIL, "phone": ids.PHONE, "national_id": ids.NATIONAL_ID,
               "customer_number": ids.CUSTOMER_NUMBER}
    theirs = {k: {n for v in vs for n in _normalized(k, [v])}
              for k, vs in distinct_values(_take(people, others), columns).items()}
    for kind, values in distinct_values(_take(people, mine), columns).items():
        normalized = _normalized(kind, values)
        shared = normalized & theirs.get(kind, set()) if kind in ids.CONTACT_KINDS else set()
        person.shared_skipped += len(shared)
        person.identifiers.setdefault(kind, set()).update(normalized - shared)


def _sandbox_tokens(settings: Settings, customer_ids: Iterable[str]) -> set[str]:
    """The sandbox's tokens of the customer ids (see c360.sandbox.masking)."""
    try:
        from c360.sandbox.masking import token
    except ImportError:  # no sandbox in this build
        return set()
    key = settings.sandbox_key.encode("utf-8")
    return {token(key, cid) for cid in customer_ids}


# -- 3. purge --------------------------------------------------------------------------


def purge_raw(raw: ObjectStore, contracts: Mapping[str, Contract], matcher: Matcher,
              request_id: str) -> list[Change]:
    """Rewrite every RAW file (landed or quarantined whole) that holds an erased record."""
    changes = []
    for contract in contracts.values():
        for prefix in (contract.raw.path, f"{QUARANTINE_ROOT}/{contract.raw.path}"):
            manifests: dict[str, dict[str, Any]] = {}
            for key in _data_keys(raw, prefix):
                before = raw.read(key)
                if before is None:
                    continue
                result = redact(contract, key, before, matcher)
                if not result.changed:
                    continue
                _rewrite(raw, key, result.data)
                change = Change("raw", key, result.removed, result.records, _sha256(before),
                                _sha256(result.data))
                changes.append(change)
                _note_in_manifest(raw, key, change, request_id, manifests)
            for manifest_key, body in manifests.items():
                raw.write(manifest_key, json.dumps(body, indent=2, sort_keys=True).encode())
    return changes


def _note_in_manifest(raw: ObjectStore, key: str, change: Change, request_id: str,
                      cache: dict[str, dict[str, Any]]) -> None:
    """Record the rewrite beside the file in its delivery manifest (sha256 as delivered stays)."""
    folder = key.rsplit("/", 1)[0]
    while folder and not folder.rsplit("/", 1)[-1].startswith("run_id="):
        folder = folder.rsplit("/", 1)[0] if "/" in folder else ""
    if not folder:
        return
    manifest_key = f"{folder}/{MANIFEST}"
    if manifest_key not in cache:
        body = raw.read(manifest_key)
        if body is None:
            return
        cache[manifest_key] = json.loads(body)
    manifest = cache[manifest_key]
    for entry in [*manifest.get("files", []), *manifest.get("quarantined", [])]:
        if entry.get("path") == key or key.endswith("/" + str(entry.get("path", "")).lstrip("/")):
            erasures = [e for e in entry.get("erasures", []) if e.get("request_id") != request_id]
            erasures.append({"request_id": request_id, "rows_removed": change.removed,
                             "sha256_after": change.sha256_after})
            entry["erasures"] = erasures


ICEBERG_METADATA = "metadata"
TABLE_LAYERS = ("stage", "analytics", "sandbox")
"""The layers erasure purges table by table (RAW is purged file by file)."""


def iceberg_tables(store: ObjectStore) -> list[str]:
    """The tables of a layer store that are Iceberg tables: a `<table>/metadata/` folder
    with `*.metadata.json` (in AWS, the tables the Athena steps write).

    Erasure must never rewrite their data files in place: Iceberg's manifests record
    each data file's size and row count, and its position-delete files (written by the
    Athena steps' `DELETE`/`MERGE`) point at row positions inside them, so a rewritten
    file breaks the table or hides the wrong rows.
    """
    found = set()
    for key in store.list(""):
        parts = key.split("/")
        if (len(parts) >= 3 and parts[-2] == ICEBERG_METADATA
                and parts[-1].endswith(".metadata.json")):
            found.add(parts[0])
    return sorted(found)


def refuse_iceberg(stores: Mapping[str, ObjectStore], request_id: str) -> None:
    """Stop before any purge when a table layer holds Iceberg tables (see `iceberg_tables`).

    Deleting from them needs Athena (`DELETE`, then compaction and snapshot expiry so
    that no data file or older snapshot keeps the rows), which erasure does not do yet.
    """
    held = [f"{layer}/{table}" for layer in TABLE_LAYERS
            for table in iceberg_tables(stores[layer])]
    if held:
        shown = ", ".join(held[:5]) + (f" and {len(held) - 5} more" if len(held) > 5 else "")
        raise ErasureError(
            f"{shown}: Iceberg tables (written by Athena in AWS). Erasure rewrites Parquet "
            "files and would break an Iceberg table, and it cannot delete through Athena "
            f"yet, so it purged nothing. The request is recorded ({request_id}): deliveries "
            "of this person are already dropped at ingest (docs/operations.md, Erasure in AWS).")


def purge_tables(stores: Mapping[str, ObjectStore], matcher: Matcher) -> list[Change]:
    """Remove erased rows from every Parquet file of STAGE, ANALYTICS and SANDBOX."""
    changes = []
    for layer in TABLE_LAYERS:
        store = stores[layer]
        for key in _data_keys(store):
            if not key.endswith(".parquet"):
                continue
            before = store.read(key)
            if before is None:
                continue
            table = pq.read_table(pa.BufferReader(before))
            table_name = key.split("/", 1)[0]
            result = purge(table, matcher, table_name, sandbox=layer == "sandbox")
            if not result.rows_removed:
                continue
            sink = pa.BufferOutputStream()
            pq.write_table(result.table, sink, compression="snappy")
            after = sink.getvalue().to_pybytes()
            _rewrite(store, key, after)
            folder, _, name = key.rpartition("/")
            store.delete(f"{folder}/.{name}.crc")  # Hadoop's checksum of the old bytes
            changes.append(Change(layer, key, result.rows_removed, result.rows_before,
                                  _sha256(before), _sha256(after)))
    return changes


def purge_versions(stores: Mapping[str, ObjectStore], contracts: Mapping[str, Contract],
                   matcher: Matcher) -> list[Change]:
    """Delete older versions (versioned S3 buckets) of any object that held an erased row.

    Tables are rewritten run after run and RAW files by erasure, and a versioned
    bucket keeps each overwritten copy for weeks: every noncurrent version is read
    and deleted when it holds an erased person. Local lakes have no versions.
    """
    changes = []
    for layer, store in stores.items():
        if not isinstance(store, S3Store):
            continue
        pages = store.client.get_paginator("list_object_versions").paginate(
            Bucket=store.bucket, Prefix=store._key(""))
        for page in pages:
            for version in page.get("Versions", []):
                if version.get("IsLatest"):
                    continue
                key = version["Key"][len(store.prefix) + 1:] if store.prefix else version["Key"]
                body = store.client.get_object(Bucket=store.bucket, Key=version["Key"],
                                               VersionId=version["VersionId"])["Body"].read()
                removed = _erased_rows(layer, key, body, contracts, matcher)
                if removed:
                    store.client.delete_object(Bucket=store.bucket, Key=version["Key"],
                                               VersionId=version["VersionId"])
                    changes.append(Change(layer, f"{key} (version {version['VersionId']})",
                                          removed, sha256_before=_sha256(body)))
    return changes


def _erased_rows(layer: str, key: str, data: bytes, contracts: Mapping[str, Contract],
                 matcher: Matcher) -> int:
    """How many erased records one object's bytes hold (0 for other objects)."""
    if layer == "raw":
        path = key.removeprefix(f"{QUARANTINE_ROOT}/")
        contract = next((c for c in contracts.values() if path.startswith(c.raw.path + "/")),
                        None)
        if contract is None or key.rsplit("/", 1)[-1].startswith("_"):
            return 0
        return redact(contract, key, data, matcher).removed
    if not key.endswith(".parquet"):
        return 0
    table = pq.read_table(pa.BufferReader(data))
    return purge(table, matcher, key.split("/", 1)[0], sandbox=layer == "sandbox").rows_removed


def purge_scratch(lake: Lake) -> list[Change]:
    """Delete what crashed runs left behind locally (scratch, half-written table folders).

    Runs only under the erasure lock, so no live run owns any of it.
    """
    if not lake.is_local:
        return []
    changes = []
    folders = [lake.root / name for name in SCRATCH]
    for layer in LAYERS:
        root = Path(lake.layer_roots[layer])
        if root.is_dir():
            folders.extend(p for p in (root / STAGING).glob("*") if p.is_dir())
            folders.extend(p for p in root.rglob(".tmp-*") if p.is_dir())
            folders.extend(p for p in root.rglob(".old-*") if p.is_dir())
    for folder in folders:
        if folder.exists():
            files = sum(1 for p in folder.rglob("*") if p.is_file())
            shutil.rmtree(folder, ignore_errors=True)
            changes.append(Change("scratch", str(folder.relative_to(lake.root)), files))
    return changes


def purge_dynamodb(client: Any, table: str, customer_ids: Iterable[str],
                   contacts: Mapping[str, Iterable[str]], matcher: Matcher | None = None
                   ) -> list[Change]:
    """Delete the customers' profile items and their email/phone lookup items.

    With `customer_ids` the items are addressed directly; without (finishing a
    pending request, whose ids exist only as hashes) the table is scanned and each
    item's customer id tested against the ledger.
    """
    from c360.serving import keys

    wanted = sorted(set(customer_ids))
    if not wanted and matcher is not None:
        wanted = _scan_customer_ids(client, table, matcher)
    deleted = 0
    for cid in wanted:
        profile_key = {k: {"S": v} for k, v in keys.profile_key(cid).items()}
        item = client.get_item(TableName=table, Key=profile_key, ConsistentRead=True).get("Item")
        lookups = {v["S"] for v in (item or {}).get("lookup_keys", {}).get("L", [])}
        lookups.update(keys.email_pk(e) for e in contacts.get(ids.EMAIL, ()))
        phones = {keys.normalize_phone(p) for p in contacts.get(ids.PHONE, ())}
        phones |= {keys.normalize_phone("1" + p) for p in contacts.get(ids.PHONE, ())}
        lookups.update(keys.phone_pk(p) for p in phones if p)
        for pk in sorted(lookups):
            key = {k: {"S": v} for k, v in keys.lookup_key(pk, cid).items()}
            old = client.delete_item(TableName=table, Key=key, ReturnValues="ALL_OLD")
            deleted += 1 if old.get("Attributes") else 0
        old = client.delete_item(TableName=table, Key=profile_key, ReturnValues="ALL_OLD")
        deleted += 1 if old.get("Attributes") else 0
    return [Change("dynamodb", table, deleted, len(wanted))] if wanted else []


def _scan_customer_ids(client: Any, table: str, matcher: Matcher) -> list[str]:
    found = set()
    for page in client.get_paginator("scan").paginate(
            TableName=table, ProjectionExpression="customer_id"):
        for item in page.get("Items", []):
            cid = item.get("customer_id", {}).get("S")
            if cid and matcher.matches(ids.CUSTOMER_ID, cid):
                found.add(cid)
    return sorted(found)


# -- the operation -----------------------------------------------------------------------


@dataclass
class Targets:
    """Where erasure works: the lake, its stores and (optionally) DynamoDB."""

    lake: Lake
    stores: dict[str, ObjectStore]
    dynamodb: Any = None
    profiles_table: str | None = None

    @classmethod
    def local(cls, settings: Settings, dynamodb: Any = None,
              profiles_table: str | None = None) -> Targets:
        lake = Lake.local(settings.lake_root)
        stores: dict[str, ObjectStore] = {
            layer: LocalStore(Path(lake.layer_roots[layer])) for layer in LAYERS}
        return cls(lake, stores, dynamodb, profiles_table)


def request_id_for(selector: str, hashed_selector: str, now: datetime) -> str:
    return f"erase-{now.strftime('%Y%m%dT%H%M%SZ')}-{selector}-{hashed_selector[:10]}"


def erase(settings: Settings, selector: str, value: str, requested_by: str, targets: Targets,
          lock: Lock | None = None, lock_timeout: float = 0.0,
          contracts: Mapping[str, Contract] | None = None,
          now: datetime | None = None) -> ErasureReport:
    """Erase one person (named by `selector` = customer_id | email | national_id)."""
    if selector not in SELECTORS:
        raise ErasureError(f"erase by one of {', '.join(SELECTORS)}, not {selector!r}")
    if not requested_by.strip():
        raise ErasureError("--requested-by must name who asked for the erasure")
    if lock is None:
        return _erase(settings, selector, value, requested_by, targets, contracts, now)
    with erase_lock(lock, lock_timeout):
        return _erase(settings, selector, value, requested_by, targets, contracts, now)


def _erase(settings: Settings, selector: str, value: str, requested_by: str, targets: Targets,
           contracts: Mapping[str, Contract] | None, now: datetime | None) -> ErasureReport:
    now = now or datetime.now(UTC)
    ledger = ErasureLedger(targets.stores["raw"])
    normalized = ids.normalize(selector, value)
    if normalized is None:
        raise ErasureError(f"--{selector.replace('_', '-')} is not a valid {selector}")
    existing = ledger.find(selector, normalized)
    person = resolve(targets.stores["stage"], selector, value)
    notes = []
    if not person.records:
        notes.append("no record of this person in the lake: the request is recorded so that "
                     "later deliveries are filtered")
    identifiers = {k: v for k, v in person.identifiers.items() if v}
    tokens = _sandbox_tokens(settings, person.customer_ids)
    if tokens:
        identifiers[ids.SANDBOX_CUSTOMER] = tokens
    hashed = ledger.hash_identifiers(identifiers)
    if existing is not None:
        merged = {k: tuple(sorted(set(existing.hashes.get(k, ())) | set(hashed.get(k, ()))))
                  for k in set(existing.hashes) | set(hashed)}
        request = ErasureRequest(existing.request_id, existing.requested_at,
                                 existing.requested_by, existing.selector, merged,
                                 existing.notes)
    else:
        key = ledger.key()
        assert key is not None
        request = ErasureRequest(
            request_id=request_id_for(selector, keyed_hash(key, selector, normalized), now),
            requested_at=now.isoformat(timespec="seconds"), requested_by=requested_by.strip(),
            selector=selector, hashes=hashed, notes=tuple(notes))
    ledger.record(request)
    log.info("erasure recorded", extra={"request_id": request.request_id,
                                        "count": request.identifier_count})
    report = ErasureReport(
        request_id=request.request_id, selector=selector, customers=len(person.customer_ids),
        source_records=len(person.records),
        identifiers={k: len(v) for k, v in sorted(request.hashes.items())},
        shared_skipped=person.shared_skipped, resumed=existing is not None, notes=notes)
    _purge_all(settings, targets, ledger, request, report, contracts,
               customer_ids=person.customer_ids, contacts=person.identifiers)
    return report


def _purge_all(settings: Settings, targets: Targets, ledger: ErasureLedger,
               request: ErasureRequest, report: ErasureReport,
               contracts: Mapping[str, Contract] | None, customer_ids: Iterable[str] = (),
               contacts: Mapping[str, Iterable[str]] | None = None) -> None:
    matcher = ledger.matcher([request])
    if matcher is None:
        return
    refuse_iceberg(targets.stores, request.request_id)
    contracts = contracts or load_contracts()
    report.changes.extend(purge_raw(targets.stores["raw"], contracts, matcher, request.request_id))
    report.changes.extend(purge_scratch(targets.lake))
    report.changes.extend(purge_tables(targets.stores, matcher))
    report.changes.extend(purge_versions(targets.stores, contracts, matcher))
    if targets.dynamodb is not None and targets.profiles_table:
        report.changes.extend(purge_dynamodb(targets.dynamodb, targets.profiles_table,
                                             customer_ids, contacts or {}, matcher))
    else:
        report.notes.append("DynamoDB: no profiles table configured, not purged")
    for layer, entry in report.by_layer().items():
        log.info("erasure purged layer", extra={"request_id": request.request_id, "layer": layer,
                                                "files": entry["objects"],
                                                "rows_removed": entry["removed"]})
    audit = {"request_id": request.request_id, "requested_by": request.requested_by,
             "requested_at": request.requested_at,
             "performed_at": datetime.now(UTC).isoformat(timespec="seconds"),
             "selector": request.selector, "identifiers": report.identifiers,
             "changes": [asdict(c) for c in report.changes], "by_layer": report.by_layer(),
             "notes": report.notes}
    previous = ledger.read_audit(request.request_id)
    if previous:  # a resumed erasure keeps the record of what earlier attempts removed
        audit["earlier_attempts"] = [*previous.get("earlier_attempts", []),
                                     {k: previous[k] for k in ("performed_at", "changes")
                                      if k in previous}]
    ledger.write_audit(request.request_id, audit)
    ledger.complete(request.request_id, {"completed_at": audit["performed_at"],
                                         "by_layer": report.by_layer()})


def apply_pending(settings: Settings, targets: Targets,
                  contracts: Mapping[str, Contract] | None = None) -> list[ErasureReport]:
    """Finish erasures that were recorded but not completed (a crash mid-way).

    Called by the pipeline runner under its lock, before any step. Only hashes
    are known here, so DynamoDB items are found by scanning.
    """
    ledger = ErasureLedger(targets.stores["raw"])
    reports = []
    for request in ledger.pending():
        report = ErasureReport(request.request_id, request.selector, 0, 0,
                               {k: len(v) for k, v in request.hashes.items()}, resumed=True)
        _purge_all(settings, targets, ledger, request, report, contracts)
        reports.append(report)
    return reports
