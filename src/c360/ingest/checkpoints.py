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
from datetime import date
from typing import Any

from c360.ingest.landing import Ledger, free_run_folder
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

    def set_pending(self, name: str, checkpoint: dict[str, Any], sha256: list[str],
                    dataset_path: str, ingest_date: date, run_id: str) -> None:
        """Announce the checkpoint the files `sha256`, about to land in that run, reach."""
        value = {"checkpoint": checkpoint, "sha256": sha256,
                 "delivery": {"path": dataset_path, "ingest_date": ingest_date.isoformat(),
                              "run_id": run_id}}
        self.store.write(self._key(name, pending=True), json.dumps(value, sort_keys=True).encode())

    def clear_pending(self, name: str) -> None:
        self.store.delete(self._key(name, pending=True))

    def recover(self, name: str, dataset: str) -> dict[str, Any] | None:
        """Finish or drop an interrupted advance; returns the checkpoint now in force.

        The pending checkpoint is committed when every file it names is in
        `dataset`'s ledger — after restoring ledger entries from the complete
        deliveries of its run (a crash can fall between manifest and ledger).
        """
        pending = self.pending(name)
        if pending is not None:
            ledger = Ledger(self.store, dataset)
            where = pending.get("delivery") or {}
            if where:
                free_run_folder(self.store, ledger, where["path"],
                                date.fromisoformat(where["ingest_date"]), where["run_id"])
            hashes = set(pending.get("sha256", []))
            if hashes and hashes <= ledger.hashes():
                self.put(name, pending["checkpoint"])
            self.clear_pending(name)
        return self.get(name)
