"""Apply the erasure ledger at the door of RAW, so an erased person never lands again.

`ErasureFilter` is used by `c360.ingest.landing.land` for every file it lands
(or quarantines whole): when the ledger holds requests, the file is rewritten
without the erased persons' records (`privacy.raw.redact`) into a temporary
copy, and that copy is what lands. Files a Spark job wrote straight into RAW
(`landing.publish_written`, the Glue JDBC extract) are rewritten in place
before their delivery's manifest makes them visible. The delivery's recorded sha256 stays the
one of the bytes as delivered (so a repeated delivery is still recognised),
and the manifest notes how many records were dropped, never whose.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from c360.contracts import Contract, load_contracts
from c360.ingest.store import ObjectStore
from c360.privacy.ledger import ErasureLedger, Matcher
from c360.privacy.raw import redact

if TYPE_CHECKING:
    from c360.ingest.landing import LandedFile

log = logging.getLogger("c360.privacy")


class ErasureFilter:
    """Drops erased persons' records from files about to land in RAW."""

    def __init__(self, contract: Contract | None, matcher: Matcher | None) -> None:
        self.contract = contract
        self.matcher = matcher
        self._tmp: Path | None = None
        self.removed = 0

    @classmethod
    def for_store(cls, store: ObjectStore, dataset: str) -> ErasureFilter:
        """The filter for `dataset` landing in `store` (a no-op when nobody was erased)."""
        matcher = ErasureLedger(store).matcher()
        if matcher is None:
            return cls(None, None)
        contract = load_contracts().get(dataset)
        if contract is None:
            raise ValueError(f"{dataset}: no contract, so erased records cannot be filtered")
        return cls(contract, matcher)

    def apply(self, source: Path, rows: int, notes: tuple[str, ...]
              ) -> tuple[Path, int, tuple[str, ...]]:
        """(file to land, its rows, notes): `source` itself when nothing is erased from it."""
        if self.matcher is None or self.contract is None:
            return source, rows, notes
        data = source.read_bytes()
        result = redact(self.contract, source.name, data, self.matcher)
        if not result.changed:
            return source, rows, notes
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="c360-erasure-"))
        target = self._tmp / f"{len(list(self._tmp.iterdir()))}-{source.name}"
        target.write_bytes(result.data)
        self.removed += result.removed
        log.info("erased records dropped at landing",
                 extra={"dataset": self.contract.dataset, "rows_removed": result.removed})
        note = f"{result.removed} record(s) of erased persons dropped (erasure ledger)"
        return target, max(rows - result.removed, 0), (*notes, note)

    def apply_stored(self, store: ObjectStore, files: list[LandedFile]) -> list[LandedFile]:
        """Rewrite, in place, files another writer (the Glue Spark extract) already put in
        `store` but not yet published; returns them with rows and notes updated."""
        if self.matcher is None or self.contract is None:
            return files
        out = []
        for landed in files:
            data = store.read(landed.path)
            result = None if data is None else redact(self.contract, landed.path, data,
                                                      self.matcher)
            if result is None or not result.changed:
                out.append(landed)
                continue
            store.write(landed.path, result.data)
            self.removed += result.removed
            note = f"{result.removed} record(s) of erased persons dropped (erasure ledger)"
            out.append(replace(landed, rows=max(landed.rows - result.removed, 0),
                               notes=(*landed.notes, note)))
        return out

    def cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None
