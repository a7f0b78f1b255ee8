"""Where a table's files are on disk, whichever way the test's lake names them."""

from __future__ import annotations

from pathlib import Path


def folder(location: str) -> Path:
    """The local folder a location names (a path, or a `file://` URI)."""
    return Path(location.removeprefix("file://"))
