"""A simulated database whose starter was killed (SIGKILL) is stopped and removed by the
next start; a live starter's cluster is left alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from c360.sources.postgres import LocalPostgres, available, reap_orphaned_clusters

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not available(), reason="PostgreSQL 15 binaries not installed")]

STARTER = """
import sys, time
from pathlib import Path
from c360.sources.postgres import LocalPostgres
pg = LocalPostgres(base_dir=Path(sys.argv[1])).start()
print(pg.root, flush=True)
time.sleep(600)
"""


def _postmaster_pid(root: Path) -> int:
    return int((root / "data" / "postmaster.pid").read_text().splitlines()[0])


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def base() -> Iterator[Path]:
    """A folder the service user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="c360-orphans-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_cluster_of_a_killed_starter_is_stopped_and_removed(base: Path) -> None:
    starter = subprocess.Popen([sys.executable, "-c", STARTER, str(base)],
                               stdout=subprocess.PIPE, text=True)
    root = Path(starter.stdout.readline().strip())  # type: ignore[union-attr]
    postmaster = _postmaster_pid(root)
    starter.kill()  # SIGKILL: no finally, the server keeps running
    starter.wait()
    assert _running(postmaster)
    assert reap_orphaned_clusters(base) == [root]
    deadline = time.monotonic() + 10
    while _running(postmaster) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(postmaster)
    assert not root.exists()


def test_cluster_of_a_live_starter_is_left_running(base: Path) -> None:
    with LocalPostgres(base_dir=base) as pg:
        assert reap_orphaned_clusters(base) == []
        with pg.connect() as conn:
            assert conn.execute("select 1").fetchone() == (1,)
