"""Checkpoints (bookmarks) of incremental ingests: small JSON objects in RAW.

`<raw>/_checkpoints/<name>.json` holds how far an ingest got (the CRM's last
`(updated_at, id)`, a table's watermark). It moves only after the data it
covers is durably landed. Between "landed" and "moved" a crash is possible,
so an ingest first writes `<name>.pending.json` (the checkpoint it is about to
reach and the sha256 of the file that gets it there); the next run commits a
pending checkpoint whose file is in the ledger and discards one whose file is
not. The storage is the same `ObjectStore` as the data: S3 in AWS, a folder
locally.
"""

from __future__ import annotations

import json
from typing import Any

from c360.ingest.store import ObjectStore

ROOT = "_checkpoints"


class Checkpoints:
    """Named JSON checkpoints in one store."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    def _key(self, name: str, pending: bool = False) -> str:
        return f"{ROOT}/{name}{'.pending' if pending else ''}.json"

    def get(self, name: str) -> dict[str, Any] | None:
        body = self.store.read(self._key(name))
        return None if body is None else json.loads(body)

    def put(self, name: str, value: dict[str, Any]) -> None:
        self.store.write(self._key(name), json.dumps(value, sort_keys=True).encode())

    def pending(self, name: str) -> dict[str, Any] | None:
        body = self.store.read(self._key(name, pending=True))
        return None if body is None else json.loads(body)

    def set_pending(self, name: str, value: dict[str, Any]) -> None:
        self.store.write(self._key(name, pending=True), json.dumps(value, sort_keys=True).encode())

    def clear_pending(self, name: str) -> None:
        self.store.delete(self._key(name, pending=True))

    def recover(self, name: str, landed_hashes: set[str]) -> dict[str, Any] | None:
        """Finish or drop an interrupted advance; returns the checkpoint now in force.

        `landed_hashes`: sha256 of every file the dataset's ledger knows.
        """
        pending = self.pending(name)
        if pending is not None:
            hashes = set(pending.get("sha256", []))
            if hashes and hashes <= landed_hashes:
                self.put(name, pending["checkpoint"])
            self.clear_pending(name)
        return self.get(name)
