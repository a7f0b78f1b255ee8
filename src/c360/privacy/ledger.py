"""The erasure ledger: who was erased, as keyed hashes only, applied by every later ingest.

Layout in the RAW store (`<lake>/raw/_erasure/` locally, the RAW bucket in AWS):

    _erasure/key                       the HMAC key (32 random bytes, hex), made once
    _erasure/requests/<request_id>.json one request: who asked, when, and the person's
                                       identifiers as HMAC-SHA256(key, "<kind>:<value>")
    _erasure/done/<request_id>.json    written when every layer was purged (the report)
    _erasure/audit/<request_id>.json   what was removed: files (sha256 before/after),
                                       tables, DynamoDB items — counts, never values

The ledger never holds an identifier in clear: without the key a hash cannot be
tested against a guess, and the key lives apart from the lake's copies and
exports. One object per request, so S3 needs no append and two writers never
share an object. A request without a `done` marker is pending: the next
`c360 erase` or pipeline run finishes it (every purge is idempotent).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from c360.ingest.store import ObjectStore
from c360.privacy.identifiers import KINDS, normalize

ROOT = "_erasure"
KEY = f"{ROOT}/key"
REQUESTS = f"{ROOT}/requests"
DONE = f"{ROOT}/done"
AUDIT = f"{ROOT}/audit"


@dataclass(frozen=True)
class ErasureRequest:
    """One person to forget: their identifiers as keyed hashes, by kind."""

    request_id: str
    requested_at: str
    requested_by: str
    selector: str
    """How the person was named: `email`, `national_id` or `customer_id` (never the value)."""
    hashes: Mapping[str, tuple[str, ...]]
    notes: tuple[str, ...] = ()

    def to_json(self) -> bytes:
        body = asdict(self) | {"hashes": {k: sorted(v) for k, v in sorted(self.hashes.items())}}
        return json.dumps(body, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, body: bytes) -> ErasureRequest:
        data = json.loads(body)
        return cls(
            request_id=data["request_id"], requested_at=data["requested_at"],
            requested_by=data["requested_by"], selector=data["selector"],
            hashes={k: tuple(v) for k, v in data.get("hashes", {}).items()},
            notes=tuple(data.get("notes", ())),
        )

    @property
    def identifier_count(self) -> int:
        return sum(len(v) for v in self.hashes.values())


@dataclass
class Matcher:
    """Tests identifiers against the ledger: normalizes, hashes with the key, looks up."""

    key: bytes
    hashes: dict[str, frozenset[str]]
    _memo: dict[tuple[str, str], bool] = field(default_factory=dict, repr=False)

    def digest(self, kind: str, normalized: str) -> str:
        return keyed_hash(self.key, kind, normalized)

    def matches(self, kind: str, value: object) -> bool:
        """True when `value` (raw or normalized) is an erased identifier of `kind`."""
        wanted = self.hashes.get(kind)
        if not wanted:
            return False
        text = normalize(kind, value)
        if text is None:
            return False
        memo_key = (kind, text)
        hit = self._memo.get(memo_key)
        if hit is None:
            hit = self.digest(kind, text) in wanted
            self._memo[memo_key] = hit
        return hit

    def any_match(self, values: Mapping[str, Iterable[object]]) -> bool:
        """True when any of `{kind: values}` is erased."""
        return any(self.matches(kind, v) for kind, vs in values.items() for v in vs)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(k for k, v in self.hashes.items() if v)

    def __bool__(self) -> bool:
        return any(self.hashes.values())


def keyed_hash(key: bytes, kind: str, normalized: str) -> str:
    """HMAC-SHA256 of `<kind>:<normalized value>` (kinds never collide with each other)."""
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


class ErasureLedger:
    """The erasure requests of one lake, kept in its RAW store."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    def key(self, create: bool = False) -> bytes | None:
        """The HMAC key; made (random) on first use when `create`."""
        body = self.store.read(KEY)
        if body is None:
            if not create:
                return None
            self.store.write(KEY, secrets.token_hex(32).encode())
            body = self.store.read(KEY)
            assert body is not None
        return bytes.fromhex(body.decode().strip())

    def hash_identifiers(self, identifiers: Mapping[str, Iterable[str]]
                         ) -> dict[str, tuple[str, ...]]:
        """`{kind: normalized values}` → `{kind: sorted keyed hashes}` (creates the key)."""
        key = self.key(create=True)
        assert key is not None
        hashed: dict[str, tuple[str, ...]] = {}
        for kind, values in identifiers.items():
            if kind not in KINDS:
                raise ValueError(f"unknown identifier kind {kind!r}")
            digests = sorted({keyed_hash(key, kind, v) for v in values})
            if digests:
                hashed[kind] = tuple(digests)
        return hashed

    def requests(self) -> list[ErasureRequest]:
        found = []
        for key in self.store.list(REQUESTS):
            if key.endswith(".json"):
                body = self.store.read(key)
                if body:
                    found.append(ErasureRequest.from_json(body))
        return sorted(found, key=lambda r: (r.requested_at, r.request_id))

    def record(self, request: ErasureRequest) -> None:
        self.store.write(f"{REQUESTS}/{request.request_id}.json", request.to_json())

    def is_done(self, request_id: str) -> bool:
        return self.store.exists(f"{DONE}/{request_id}.json")

    def pending(self) -> list[ErasureRequest]:
        return [r for r in self.requests() if not self.is_done(r.request_id)]

    def complete(self, request_id: str, report: Mapping[str, Any]) -> None:
        self.store.write(f"{DONE}/{request_id}.json",
                         json.dumps(report, indent=2, sort_keys=True, default=str).encode())

    def write_audit(self, request_id: str, audit: Mapping[str, Any]) -> str:
        key = f"{AUDIT}/{request_id}.json"
        self.store.write(key, json.dumps(audit, indent=2, sort_keys=True, default=str).encode())
        return key

    def read_audit(self, request_id: str) -> dict[str, Any] | None:
        body = self.store.read(f"{AUDIT}/{request_id}.json")
        return None if body is None else json.loads(body)

    def find(self, kind: str, value: str) -> ErasureRequest | None:
        """The first request that lists `value` (normalized) under `kind`."""
        key = self.key()
        text = normalize(kind, value)
        if key is None or text is None:
            return None
        digest = keyed_hash(key, kind, text)
        return next((r for r in self.requests() if digest in r.hashes.get(kind, ())), None)

    def matcher(self, requests: Iterable[ErasureRequest] | None = None) -> Matcher | None:
        """A matcher over `requests` (default: all); None when there is nothing to match."""
        chosen = self.requests() if requests is None else list(requests)
        if not chosen:
            return None
        key = self.key()
        if key is None:
            return None
        merged: dict[str, set[str]] = {}
        for request in chosen:
            for kind, digests in request.hashes.items():
                merged.setdefault(kind, set()).update(digests)
        return Matcher(key, {k: frozenset(v) for k, v in merged.items()})
