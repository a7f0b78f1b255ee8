"""Where ingestion reads and writes: a local folder or an S3 bucket, behind one small interface.

Ingestion needs few operations on RAW: read and write a small object (a
checkpoint, a ledger entry), list a prefix, and publish a *delivery* — a set
of files that readers must see whole or not at all. A local folder publishes a
delivery by renaming a staged folder into place (atomic); S3 has no rename, so
the S3 delivery writes its data objects first and `_manifest.json` last: the
manifest is the commit marker, and a prefix without one is an unfinished
attempt that the next attempt clears.

Keys are `/`-separated and relative to the store's root (`raw/` locally, the
RAW bucket plus an optional prefix in AWS).
"""

from __future__ import annotations

import os
import shutil
import uuid
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

MANIFEST = "_manifest.json"


class StoreError(OSError):
    """A read or write against the store failed; the message names the key."""


class DeliveryWriter(ABC):
    """Files of one delivery, published together by `commit`."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.strip("/")

    @abstractmethod
    def put_file(self, name: str, source: Path) -> None:
        """Add `source` as `<prefix>/<name>`."""

    @abstractmethod
    def commit(self, manifest: bytes) -> None:
        """Publish the delivery with its manifest; readers see all of it or none."""

    @abstractmethod
    def abort(self) -> None:
        """Drop what was written so far."""


class ObjectStore(ABC):
    """The operations ingestion needs, on a local folder or an S3 bucket."""

    @abstractmethod
    def read(self, key: str) -> bytes | None:
        """The object's bytes, or None when it does not exist."""

    @abstractmethod
    def write(self, key: str, data: bytes) -> None:
        """Create or replace one object atomically (readers see the old or the new bytes)."""

    @abstractmethod
    def list(self, prefix: str) -> list[str]:
        """Keys inside the folder `prefix` (recursive), sorted."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove one object (no error when it is absent)."""

    @abstractmethod
    def delivery(self, prefix: str) -> DeliveryWriter:
        """A writer for a new delivery at `prefix` (an unfinished earlier attempt is cleared)."""

    @abstractmethod
    def uri(self, key: str) -> str:
        """Where the object lives, for messages and manifests."""

    def exists(self, key: str) -> bool:
        return self.read(key) is not None


# -- local folder ----------------------------------------------------------------------


class LocalStore(ObjectStore):
    """A folder on the local filesystem (the local lake's `raw/`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key.strip("/")

    def read(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def write(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".tmp-{target.name}-{uuid.uuid4().hex[:8]}"
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)

    def list(self, prefix: str) -> list[str]:
        base = self.path(prefix)
        if not base.is_dir():
            return []
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in base.rglob("*")
            if p.is_file() and not any(part.startswith(".tmp-") for part in p.parts)
        )

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delivery(self, prefix: str) -> DeliveryWriter:
        return _LocalDelivery(self, prefix)

    def uri(self, key: str) -> str:
        return str(self.path(key))


class _LocalDelivery(DeliveryWriter):
    """Stage in a hidden sibling folder, then rename it into place."""

    def __init__(self, store: LocalStore, prefix: str) -> None:
        super().__init__(prefix)
        self.final = store.path(self.prefix)
        self.staged = self.final.parent / f".tmp-{self.final.name}"
        if self.staged.exists():
            shutil.rmtree(self.staged)
        self.staged.mkdir(parents=True)

    def put_file(self, name: str, source: Path) -> None:
        dest = self.staged / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)

    def commit(self, manifest: bytes) -> None:
        (self.staged / MANIFEST).write_bytes(manifest)
        if self.final.exists():  # an unfinished attempt (no manifest): callers checked
            shutil.rmtree(self.final)
        os.replace(self.staged, self.final)

    def abort(self) -> None:
        shutil.rmtree(self.staged, ignore_errors=True)


# -- S3 --------------------------------------------------------------------------------


class S3Store(ObjectStore):
    """A bucket (and optional key prefix) through boto3; the client is passed in."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def _key(self, key: str) -> str:
        key = key.strip("/")
        return f"{self.prefix}/{key}" if self.prefix else key

    def read(self, key: str) -> bytes | None:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey:
            return None
        except Exception as exc:  # boto3 raises ClientError 404 for HEAD-like misses too
            if _is_not_found(exc):
                return None
            raise StoreError(f"cannot read {self.uri(key)}: {exc}") from exc
        body: bytes = response["Body"].read()
        return body

    def write(self, key: str, data: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)
        except Exception as exc:
            raise StoreError(f"cannot write {self.uri(key)}: {exc}") from exc

    def list(self, prefix: str) -> list[str]:
        full = self._key(prefix) + "/" if prefix.strip("/") else self._key("")
        full = full if full != "/" else ""
        keys: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=full):
            for item in page.get("Contents", []):
                key = item["Key"]
                keys.append(key[len(self.prefix) + 1 :] if self.prefix else key)
        return sorted(keys)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def delivery(self, prefix: str) -> DeliveryWriter:
        return _S3Delivery(self, prefix)

    def uri(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"


class _S3Delivery(DeliveryWriter):
    """Write data objects in place; the manifest, written last, marks the delivery complete."""

    def __init__(self, store: S3Store, prefix: str) -> None:
        super().__init__(prefix)
        self.store = store
        self.written: list[str] = []
        for key in store.list(self.prefix):  # leftovers of an attempt that never committed
            store.delete(key)

    def put_file(self, name: str, source: Path) -> None:
        key = f"{self.prefix}/{name}"
        self.store.write(key, source.read_bytes())
        self.written.append(key)

    def commit(self, manifest: bytes) -> None:
        self.store.write(f"{self.prefix}/{MANIFEST}", manifest)

    def abort(self) -> None:
        for key in self.written:
            self.store.delete(key)


def _is_not_found(exc: Exception) -> bool:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


def store_for(uri: str, client: Any = None) -> ObjectStore:
    """`s3://bucket/prefix` → S3Store (boto3 client made when not given); else a folder."""
    if uri.startswith("s3://"):
        bucket, _, prefix = uri[len("s3://") :].partition("/")
        if client is None:
            import boto3

            client = boto3.client("s3")
        return S3Store(client, bucket, prefix)
    return LocalStore(Path(uri))
