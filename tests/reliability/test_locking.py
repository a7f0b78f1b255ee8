"""One run at a time: the local lock file and the DynamoDB lock, and stale-lock recovery."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from c360.locking import (
    GARBLED_GRACE_SECONDS,
    DynamoDBLock,
    FileLock,
    LockHeld,
    LockInfo,
    erase_lock,
    erase_lock_name,
    local_lock,
    lock_name,
    run_lock,
)

DAY = "2026-11-25"


def _dead_pid() -> int:
    """The pid of a process that has exited (and was reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _write_lock(path: Path, **fields: object) -> None:
    info = {"name": "local/run", "token": "t-old", "pid": os.getpid(),
            "hostname": socket.gethostname(), "started_at": "2026-11-25T01:00:00+00:00",
            "process_start": "", "expires_at": 0.0, **fields}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info))


def test_lock_file_holds_pid_hostname_and_start_time(tmp_path: Path) -> None:
    lock = local_lock(tmp_path, lock_name("local"))
    info = lock.acquire()
    stored = json.loads(lock.path.read_text())
    assert lock.path == tmp_path / "_locks" / "local" / "run.lock"
    assert (stored["pid"], stored["hostname"], stored["token"]) == (
        os.getpid(), socket.gethostname(), info.token)
    assert stored["started_at"].endswith("+00:00")
    lock.release()
    assert not lock.path.exists()


def test_second_run_lock_is_refused_naming_the_holder(tmp_path: Path) -> None:
    first = local_lock(tmp_path, lock_name("local"))
    first.acquire()
    second = local_lock(tmp_path, lock_name("local"))
    with pytest.raises(LockHeld, match=rf"held by pid {os.getpid()} on {socket.gethostname()}"):
        second.acquire(timeout=0)
    first.release()


def test_a_run_of_another_date_is_refused_naming_the_run_that_holds_the_lock(
        tmp_path: Path) -> None:
    # Yesterday's late daily and today's first hourly write the same STAGE tables.
    local_lock(tmp_path, lock_name("local"), owner="daily-2026-11-25").acquire()
    hourly = local_lock(tmp_path, lock_name("local"), owner="hourly-2026-11-26")
    with pytest.raises(LockHeld, match=r"taken: held by daily-2026-11-25, pid \d+ on "):
        hourly.acquire()


def test_a_run_of_another_environment_does_not_block(tmp_path: Path) -> None:
    local_lock(tmp_path, lock_name("local")).acquire()
    assert local_lock(tmp_path, lock_name("dev")).acquire().name == "dev/run"


def test_waiting_run_proceeds_once_the_holder_releases(tmp_path: Path) -> None:
    holder = local_lock(tmp_path, lock_name("local"))
    holder.acquire()
    threading.Timer(0.3, holder.release).start()
    waiter = local_lock(tmp_path, lock_name("local"), poll_seconds=0.05)
    started = time.monotonic()
    waiter.acquire(timeout=10)
    assert 0.2 < time.monotonic() - started < 5


def test_waiting_run_gives_up_after_its_timeout(tmp_path: Path) -> None:
    local_lock(tmp_path, lock_name("local")).acquire()
    waiter = local_lock(tmp_path, lock_name("local"), poll_seconds=0.05)
    started = time.monotonic()
    with pytest.raises(LockHeld):
        waiter.acquire(timeout=0.3)
    assert time.monotonic() - started >= 0.3


def test_lock_of_a_dead_process_is_released_and_taken(tmp_path: Path) -> None:
    lock = local_lock(tmp_path, lock_name("local"))
    _write_lock(lock.path, pid=_dead_pid())
    info = lock.acquire()
    assert json.loads(lock.path.read_text())["token"] == info.token != "t-old"


def test_lock_whose_pid_was_reused_by_another_process_is_stale(tmp_path: Path) -> None:
    lock = local_lock(tmp_path, lock_name("local"))
    _write_lock(lock.path, pid=os.getpid(), process_start="1")  # alive pid, other start time
    assert lock.acquire().pid == os.getpid()


def test_lock_of_a_live_process_on_another_host_is_never_broken(tmp_path: Path) -> None:
    lock = local_lock(tmp_path, lock_name("local"))
    _write_lock(lock.path, pid=_dead_pid(), hostname="some-other-host")
    with pytest.raises(LockHeld, match="on some-other-host"):
        lock.acquire()


def test_unreadable_lock_file_is_stale_only_after_a_grace_period(tmp_path: Path) -> None:
    lock = local_lock(tmp_path, lock_name("local"))
    lock.path.parent.mkdir(parents=True)
    lock.path.write_text("")  # creator died between create and write
    with pytest.raises(LockHeld):
        lock.acquire()
    old = time.time() - GARBLED_GRACE_SECONDS - 1
    os.utime(lock.path, (old, old))
    assert lock.acquire().name == lock.name


def test_release_never_removes_a_successors_lock(tmp_path: Path) -> None:
    first = local_lock(tmp_path, lock_name("local"))
    first.acquire()
    _write_lock(first.path, token="successor")  # e.g. ours was broken and retaken
    first.release()
    assert json.loads(first.path.read_text())["token"] == "successor"


def test_erasure_waits_for_a_run_of_any_date_and_a_run_waits_for_erasure(
        tmp_path: Path) -> None:
    run = local_lock(tmp_path, lock_name("local"))
    with run_lock(run):
        with pytest.raises(LockHeld, match="taken by local/run"):
            with erase_lock(local_lock(tmp_path, erase_lock_name("local"))):
                pass
    with erase_lock(local_lock(tmp_path, erase_lock_name("local"))):
        with pytest.raises(LockHeld, match="taken by local/erase"):
            with run_lock(local_lock(tmp_path, lock_name("local"))):
                pass
    assert not list((tmp_path / "_locks" / "local").glob("*.lock"))


def _contend(root: str, barrier: multiprocessing.synchronize.Barrier,
             results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    lock = FileLock(Path(root) / "_locks", lock_name("local"))
    barrier.wait()
    try:
        lock.acquire()
        results.put("won")
        time.sleep(0.5)
    except LockHeld:
        results.put("refused")


def test_processes_racing_for_one_lock_leave_exactly_one_winner(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(6)
    results = ctx.Queue()
    procs = [ctx.Process(target=_contend, args=(str(tmp_path), barrier, results))
             for _ in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    assert outcomes == ["refused"] * 5 + ["won"]


@pytest.mark.emulator
class TestDynamoDBLock:
    """The AWS implementation: same interface, conditional writes, leases."""

    @pytest.fixture
    def table(self, aws_env, unique_name: str) -> tuple[object, str]:  # noqa: ANN001
        from c360.serving.keys import table_definition

        client = aws_env.client("dynamodb")
        client.create_table(**table_definition(unique_name))
        return client, unique_name

    def test_second_holder_is_refused_until_release(self, table) -> None:  # noqa: ANN001
        client, name = table
        first = DynamoDBLock(client, name, lock_name("dev"))
        second = DynamoDBLock(client, name, lock_name("dev"))
        first.acquire()
        with pytest.raises(LockHeld, match=f"pid {os.getpid()}"):
            second.acquire()
        first.release()
        assert second.acquire().name == "dev/run"

    def test_expired_lease_is_taken_over(self, table) -> None:  # noqa: ANN001
        client, name = table
        clock = [1_000_000.0]
        first = DynamoDBLock(client, name, lock_name("dev"), lease_seconds=60,
                             now=lambda: clock[0])
        first.acquire()
        clock[0] += 61
        second = DynamoDBLock(client, name, lock_name("dev"), lease_seconds=60,
                              now=lambda: clock[0])
        assert second.acquire().expires_at == clock[0] + 60

    def test_refresh_extends_the_lease_and_release_spares_a_successor(self, table) -> None:  # noqa: ANN001
        client, name = table
        clock = [1_000_000.0]
        first = DynamoDBLock(client, name, lock_name("dev"), lease_seconds=60,
                             now=lambda: clock[0])
        first.acquire()
        clock[0] += 50
        first.refresh()
        clock[0] += 50  # 100 s after acquiring, 50 s after refreshing: still held
        second = DynamoDBLock(client, name, lock_name("dev"), lease_seconds=60,
                              now=lambda: clock[0])
        with pytest.raises(LockHeld):
            second.acquire()
        clock[0] += 11
        second.acquire()
        first.release()  # its lease ran out and was taken: it must not free the new holder
        assert second.holder() == second.info

    def test_erasure_is_refused_while_a_run_holds_its_lock(self, table) -> None:  # noqa: ANN001
        client, name = table
        run = DynamoDBLock(client, name, lock_name("dev"))
        with run_lock(run):
            with pytest.raises(LockHeld, match="taken by dev/run"):
                with erase_lock(DynamoDBLock(client, name, erase_lock_name("dev"))):
                    pass


def test_lock_info_round_trips_through_json() -> None:
    info = LockInfo("local/erase", "abc", 12, "host", "2026-11-25T00:00:00+00:00", "99", 0.0)
    assert LockInfo.from_json(info.to_json()) == info
