"""The file operations behind every table write: on local folders or a Hadoop file system.

The Engine writes a table the same way wherever the lake is: the query's Parquet goes
to a folder under the layer's `.staging/`, its rows are read from the files, then the
folder replaces the table's (`Engine.write_table`). What differs is who lists, moves
and deletes the files:

- `LocalFiles` (a lake of local folders, `Lake.local`: the local runner, the tests):
  Python, with an atomic folder swap (`c360.lake.commit_dir`).
- `HadoopFiles` (a lake given as URIs, `Lake.from_uris`: the Glue and EMR jobs): the
  Spark session's Hadoop `FileSystem` for the URI's scheme (EMRFS for `s3://` on EMR
  and Glue). There a folder is a key prefix: a rename copies every object and then
  deletes it, and replacing a table deletes the old folder before the new one is
  renamed into place, so a reader can find the table missing for that moment (a
  crash in between leaves it missing until the step is rerun; the step is
  idempotent). The local test of this path gives `file://` URIs, which Hadoop's
  `LocalFileSystem` serves; S3 itself cannot be reached here.

Paths are strings: local paths for `LocalFiles`, URIs for `HadoopFiles`. Names that
start with `_` or `.` (`_SUCCESS`, Hadoop's `.crc` checksums, `.staging/`) are not
data, as Hive and Athena read a folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.parquet as pq

PARQUET = ".parquet"


def is_hidden(name: str) -> bool:
    """`_SUCCESS`, `.part-0.parquet.crc`, `.staging`: not data (the Hive rule)."""
    return name.startswith(("_", "."))


class TableFiles(Protocol):
    """What the Engine asks of the storage under a lake (see the module doc)."""

    def has_data(self, location: str) -> bool:
        """Whether a Parquet file lies below `location`."""

    def files_under(self, location: str) -> list[str]:
        """Every file below `location` (recursively), sorted; [] when it does not exist."""

    def entries(self, location: str) -> list[str]:
        """Names of the data entries (files and folders) directly in `location`, sorted."""

    def make_dirs(self, location: str) -> None: ...

    def replace(self, staged: str, final: str) -> None:
        """Put folder `staged` at `final`, replacing what was there."""

    def move(self, source: str, target: str) -> None:
        """Move one file (replacing `target`)."""

    def delete(self, location: str) -> None:
        """Delete a file or a folder with everything in it; nothing when it is absent."""

    def parquet_rows(self, files: Sequence[str]) -> int:
        """Rows of these Parquet files."""

    def write_parquet(self, data: pa.Table, target: str) -> None:
        """Write `data` as one Parquet file (snappy) at `target`."""


def _is_data(file: str, base: str) -> bool:
    """A Parquet file below folder `base` (ending in `/`) on no hidden path."""
    return file.endswith(PARQUET) and not any(
        is_hidden(part) for part in file.removeprefix(base).split("/"))


def data_files(files: TableFiles, location: str) -> list[str]:
    """The Parquet data files below `location`: hidden parts skipped (see `is_hidden`)."""
    base = location.rstrip("/") + "/"
    return [f for f in files.files_under(location) if _is_data(f, base)]


class LocalFiles:
    """A lake of local folders: Python moves the files (atomic folder swaps)."""

    def has_data(self, location: str) -> bool:
        root = Path(location)
        return root.is_dir() and any(root.rglob("*" + PARQUET))

    def files_under(self, location: str) -> list[str]:
        root = Path(location)
        if not root.is_dir():
            return []
        return sorted(str(p) for p in root.rglob("*") if p.is_file())

    def entries(self, location: str) -> list[str]:
        return sorted(p.name for p in Path(location).iterdir() if not is_hidden(p.name))

    def make_dirs(self, location: str) -> None:
        Path(location).mkdir(parents=True, exist_ok=True)

    def replace(self, staged: str, final: str) -> None:
        from c360 import lake

        lake.commit_dir(Path(staged), Path(final))

    def move(self, source: str, target: str) -> None:
        os.replace(source, target)

    def delete(self, location: str) -> None:
        path = Path(location)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)

    def parquet_rows(self, files: Sequence[str]) -> int:
        # From the footers: no query (a count on Spark is one more job, ~0.1 s locally).
        return sum(pq.ParquetFile(f).metadata.num_rows for f in files)

    def write_parquet(self, data: pa.Table, target: str) -> None:
        pq.write_table(data, target, compression="snappy")


def _normalized(uri: str) -> str:
    """Hadoop prints a local file's URI as `file:/path`; the lake's roots are `file:///path`."""
    if uri.startswith("file:/") and not uri.startswith("file:///"):
        return "file:///" + uri.removeprefix("file:").lstrip("/")
    return uri


class HadoopFiles:
    """A lake given as URIs: the Spark session's Hadoop `FileSystem` moves the files."""

    def __init__(self, spark: Any) -> None:
        self._spark = spark
        self._jvm = spark.sparkContext._jvm
        self._conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _fs(self, location: str) -> tuple[Any, Any]:
        path = self._jvm.org.apache.hadoop.fs.Path(location)
        return path.getFileSystem(self._conf), path

    def _listed(self, location: str) -> Iterator[str]:
        """The files below `location`, as the file system lists them (page by page on S3)."""
        fs, path = self._fs(location)
        if not fs.exists(path):
            return
        listing = fs.listFiles(path, True)
        while listing.hasNext():
            yield _normalized(listing.next().getPath().toString())

    def has_data(self, location: str) -> bool:
        # Stops at the first data file: a big table on S3 is not listed whole.
        base = location.rstrip("/") + "/"
        return any(_is_data(f, base) for f in self._listed(location))

    def files_under(self, location: str) -> list[str]:
        return sorted(self._listed(location))

    def entries(self, location: str) -> list[str]:
        fs, path = self._fs(location)
        names = (status.getPath().getName() for status in fs.listStatus(path))
        return sorted(name for name in names if not is_hidden(name))

    def make_dirs(self, location: str) -> None:
        fs, path = self._fs(location)
        fs.mkdirs(path)

    def replace(self, staged: str, final: str) -> None:
        fs, target = self._fs(final)
        _, source = self._fs(staged)
        if fs.exists(target):
            fs.delete(target, True)
        fs.mkdirs(target.getParent())
        if not fs.rename(source, target):
            raise OSError(f"could not move {staged} to {final}")

    def move(self, source: str, target: str) -> None:
        fs, to = self._fs(target)
        _, frm = self._fs(source)
        if fs.exists(to):
            fs.delete(to, False)
        if not fs.rename(frm, to):
            raise OSError(f"could not move {source} to {target}")

    def delete(self, location: str) -> None:
        fs, path = self._fs(location)
        fs.delete(path, True)

    def parquet_rows(self, files: Sequence[str]) -> int:
        # Spark counts a Parquet file from its footer (no rows are read).
        return int(self._spark.read.parquet(*files).count()) if files else 0

    def write_parquet(self, data: pa.Table, target: str) -> None:
        fs, path = self._fs(target)
        with tempfile.TemporaryDirectory(prefix="c360-upload-") as scratch:
            local = Path(scratch) / "part.parquet"
            pq.write_table(data, local, compression="snappy")
            # delSrc, overwrite
            fs.copyFromLocalFile(True, True, self._jvm.org.apache.hadoop.fs.Path(str(local)),
                                 path)

