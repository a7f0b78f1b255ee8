"""One run at a time: a named lock per environment, two implementations.

Two runs of one environment must never interleave, whatever their schedules and
logical dates: they write the same STAGE and ANALYTICS tables (`stg_*` and the
identity registry are rewritten whole), so a late daily for yesterday and today's
first hourly would mix their writes. `Lock` is the one interface:
`acquire(timeout)` waits up to `timeout` seconds (0 = refuse at once) and then
raises `LockHeld` naming the holder; `release()` gives it back; `with lock:`
does both.

- `FileLock` (local): `<lake>/_locks/<environment>/<name>.lock`, created with
  `O_CREAT | O_EXCL` (atomic: exactly one creator wins) and holding the
  holder's pid, hostname, process start time and start time. A lock whose
  holder is dead (same host, pid gone or reused by another process) is stale:
  it is removed under a kernel `flock` on a guard file — which the kernel
  releases if the breaker dies — after re-reading it, so a fresh lock taken in
  the meantime is never removed by mistake.
- `DynamoDBLock` (AWS): one item per lock in a DynamoDB table, taken with a
  conditional `PutItem` (`attribute_not_exists(pk) OR expires_at < :now`). The
  holder cannot be probed across hosts, so the item carries a lease
  (`expires_at`); `refresh()` (or `renew_token` from another process of the same
  holder) extends it, and a lease that ran out is stale.

Both release only a lock they hold (an owner token is compared), so a late
`release()` never frees a successor's lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

log = logging.getLogger("c360.locking")

LOCKS_DIR = "_locks"
GARBLED_GRACE_SECONDS = 10.0
"""A lock file without readable content (its creator died while writing it) is stale after this."""


class LockHeld(RuntimeError):
    """The lock is held by someone else (after waiting, if asked to wait); says by whom."""

    def __init__(self, name: str, holder: LockInfo | None, waited: float) -> None:
        self.name = name
        self.holder = holder
        who = holder.describe() if holder else "another process"
        waited_text = f" (waited {waited:.0f} s)" if waited >= 1 else ""
        blocked = f" by {holder.name}" if holder and holder.name != name else ""
        super().__init__(
            f"lock {name} is taken{blocked}: held by {who}{waited_text}. Another run of "
            f"this environment or an erasure is in progress; wait for it (--wait SECONDS). "
            f"A lock left by a dead process is released automatically."
        )


@dataclass(frozen=True)
class LockInfo:
    """Who holds a lock: enough to find the process and to judge whether it is alive."""

    name: str
    token: str
    pid: int
    hostname: str
    started_at: str
    """UTC ISO-8601 time the lock was taken."""
    process_start: str = ""
    """The holder process's start time as the kernel reports it (tells a reused pid apart)."""
    expires_at: float = 0.0
    """Lease end (epoch seconds) for leased locks; 0 = no lease."""
    owner: str = ""
    """What holds it, in words (e.g. `daily-2026-11-25`, the run); "" when not said."""

    def describe(self) -> str:
        what = f"{self.owner}, " if self.owner else ""
        return f"{what}pid {self.pid} on {self.hostname} since {self.started_at}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LockInfo:
        data = json.loads(text)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def process_start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), "" when unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # Field 22; the command name (field 2) may hold spaces, so split after its ')'.
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else ""


def pid_alive(pid: int, process_start: str = "") -> bool:
    """True when `pid` runs on this host (and, if known, is the same process as before)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by another user
    if process_start:
        current = process_start_time(pid)
        if current and current != process_start:
            return False  # the pid was reused by a newer process
    return True


RUN = "run"


def lock_name(environment: str) -> str:
    """The lock every run of `environment` takes, whatever its schedule and logical date."""
    return f"{environment}/{RUN}"


class Lock(ABC):
    """A named, exclusive lock; `acquire` waits up to a timeout, then refuses clearly."""

    def __init__(self, name: str, poll_seconds: float = 0.5,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 owner: str = "", token: str | None = None) -> None:
        self.name = name
        self.owner = owner
        """Written into the lock as `LockInfo.owner` (a refused run names its holder)."""
        self.token = token
        """The owner token to take the lock with (default: a new random one). A caller
        that must recognise its own lock across processes (a retried Lambda call of one
        Step Functions execution) passes a token of its own."""
        self.poll_seconds = poll_seconds
        self._clock = clock
        self._sleep = sleep
        self.info: LockInfo | None = None
        """Set while this object holds the lock."""

    def _new_info(self, lease_seconds: float = 0.0, now: float | None = None) -> LockInfo:
        """Who we are, as the lock will say it."""
        pid = os.getpid()
        expires = 0.0  # no lease: the holder is judged by its process (FileLock)
        if lease_seconds:
            expires = (time.time() if now is None else now) + lease_seconds
        return LockInfo(
            name=self.name, token=self.token or uuid.uuid4().hex, pid=pid,
            hostname=socket.gethostname(),
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            process_start=process_start_time(pid), expires_at=expires, owner=self.owner,
        )

    @abstractmethod
    def _try_acquire(self) -> LockInfo | None:
        """Take the lock if it is free or stale: our LockInfo, or None when someone holds it."""

    @abstractmethod
    def _release(self, info: LockInfo) -> None:
        """Give back the lock described by `info` (only if it is still ours)."""

    @abstractmethod
    def holder(self) -> LockInfo | None:
        """Who holds the lock now (None when it is free)."""

    @abstractmethod
    def live_locks(self) -> list[LockInfo]:
        """Every live (not stale) lock of the same environment, this one included."""

    def acquire(self, timeout: float = 0.0,
                conflicts: Callable[[LockInfo], bool] | None = None) -> LockInfo:
        """Take the lock, waiting up to `timeout` seconds; raise LockHeld when it stays held.

        `conflicts`: other locks of the environment that must not be live at the same
        time (an erasure excludes every run). The check runs after taking our own
        lock, and each side does the same, so two conflicting holders cannot both
        pass: the later of the two always sees the earlier.
        """
        if self.info is not None:
            raise RuntimeError(f"lock {self.name} is already held by this object")
        started = self._clock()
        announced = False
        while True:
            info = self._try_acquire()
            blocker: LockInfo | None = None
            if info is not None and conflicts is not None:
                blocker = next((other for other in self.live_locks()
                                if other.token != info.token and conflicts(other)), None)
                if blocker is not None:
                    self._release(info)
                    info = None
            if info is not None:
                self.info = info
                waited = round(self._clock() - started, 3)
                log.info("lock acquired", extra={"lock": self.name, "waited_seconds": waited})
                return info
            waited = self._clock() - started
            if waited >= timeout:
                raise LockHeld(self.name, blocker or self.holder(), waited)
            if not announced:
                holder = blocker or self.holder()
                log.warning("lock busy, waiting", extra={
                    "lock": self.name, "holder_pid": holder.pid if holder else None,
                    "timeout_seconds": timeout})
                announced = True
            self._sleep(min(self.poll_seconds, max(timeout - waited, 0.0)))

    def release(self) -> None:
        """Give the lock back (no-op when this object does not hold it)."""
        info, self.info = self.info, None
        if info is not None:
            self._release(info)
            log.info("lock released", extra={"lock": self.name})

    def __enter__(self) -> Lock:
        if self.info is None:
            self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


class FileLock(Lock):
    """A lock file created with O_EXCL; stale when its holder process is gone."""

    def __init__(self, directory: Path, name: str, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.path = Path(directory) / f"{name}.lock"
        self.guard = self.path.with_name(self.path.name + ".guard")

    def _read(self) -> tuple[LockInfo | None, bool]:
        """(holder, exists): the lock file's content, None when absent or unreadable."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None, False
        try:
            return LockInfo.from_json(text), True
        except (ValueError, TypeError, KeyError):
            return None, True

    def holder(self) -> LockInfo | None:
        return self._read()[0]

    def live_locks(self) -> list[LockInfo]:
        found = []
        for path in sorted(self.path.parent.glob("*.lock")):
            other = FileLock(self.path.parent.parent, path.relative_to(
                self.path.parent.parent).as_posix().removesuffix(".lock"))
            info, exists = other._read()
            if exists and info is not None and not other._is_stale(info):
                found.append(info)
        return found

    def _is_stale(self, info: LockInfo | None) -> bool:
        if info is None:  # exists but unreadable: its creator died between create and write
            try:
                age = time.time() - self.path.stat().st_mtime
            except FileNotFoundError:
                return False
            return age > GARBLED_GRACE_SECONDS
        if info.hostname != socket.gethostname():
            return False  # cannot probe another host's processes: never stale from here
        return not pid_alive(info.pid, info.process_start)

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[None]:
        """Serialize stale-lock removal; the kernel drops the flock if we die."""
        fd = os.open(self.guard, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _break_if_stale(self) -> bool:
        info, exists = self._read()
        if not exists or not self._is_stale(info):
            return False
        with self._guarded():
            again, exists = self._read()
            same = (again is None and info is None) or (
                again is not None and info is not None and again.token == info.token)
            if exists and same and self._is_stale(again):
                self.path.unlink(missing_ok=True)
                log.warning("stale lock released", extra={
                    "lock": self.name, "holder_pid": info.pid if info else None})
                return True
        return False

    def _try_acquire(self) -> LockInfo | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):  # second try right after breaking a stale lock
            info = self._new_info()
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self._break_if_stale():
                    continue
                return None
            try:
                os.write(fd, info.to_json().encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            return info
        return None

    def _release(self, info: LockInfo) -> None:
        with self._guarded():
            current = self.holder()
            if current is not None and current.token == info.token:
                self.path.unlink(missing_ok=True)


class DynamoDBLock(Lock):
    """A lock item taken by a conditional write; stale when its lease has run out.

    The table has string keys `pk`/`sk` (the serving table's design fits): lock
    items use `pk = LOCK#<environment>`, `sk = <the rest of the name>`, so one
    Query lists an environment's locks. `client` is a boto3 DynamoDB client.
    """

    def __init__(self, client: Any, table: str, name: str, lease_seconds: float = 6 * 3600,
                 now: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        self.client = client
        self.table = table
        self.lease_seconds = lease_seconds
        self._now = now
        environment, _, rest = name.partition("/")
        self.pk = f"LOCK#{environment}"
        self.key = {"pk": {"S": self.pk}, "sk": {"S": rest or "LOCK"}}

    def _item(self, info: LockInfo) -> dict[str, Any]:
        return {**self.key, "token": {"S": info.token}, "holder": {"S": info.to_json()},
                "expires_at": {"N": repr(info.expires_at)}}

    def holder(self) -> LockInfo | None:
        item = self.client.get_item(TableName=self.table, Key=self.key,
                                    ConsistentRead=True).get("Item")
        return LockInfo.from_json(item["holder"]["S"]) if item else None

    def live_locks(self) -> list[LockInfo]:
        found = []
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table, KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": self.pk}}, ConsistentRead=True)
        for page in pages:
            for item in page.get("Items", []):
                if float(item["expires_at"]["N"]) >= self._now():
                    found.append(LockInfo.from_json(item["holder"]["S"]))
        return found

    def _try_acquire(self) -> LockInfo | None:
        """Free, stale, or already ours: an item holding this object's token (a caller
        that passed its own `token` and asks again, e.g. a retried Lambda call) is taken
        again with a new lease. A random token never matches another holder's."""
        info = self._new_info(self.lease_seconds, now=self._now())
        try:
            self.client.put_item(
                TableName=self.table, Item=self._item(info),
                ConditionExpression="attribute_not_exists(pk) OR expires_at < :now "
                                    "OR #t = :token",
                ExpressionAttributeNames={"#t": "token"},
                ExpressionAttributeValues={":now": {"N": repr(self._now())},
                                           ":token": {"S": info.token}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return None
        return info

    def refresh(self) -> None:
        """Extend the lease of the lock this object holds (call between long steps)."""
        if self.info is None:
            raise RuntimeError(f"lock {self.name} is not held by this object")
        renewed = self.renew_token(self.info.token)
        if renewed is None:
            raise LockHeld(self.name, self.holder(), 0.0)
        self.info = renewed

    def renew_token(self, token: str) -> LockInfo | None:
        """Extend the lease of the lock item `token` owns, from now (a later call, e.g.
        the run_control Lambda between two stages of the run that took it); None when
        `token` no longer owns it (its lease ran out and another holder took it).

        A lease that ran out while nobody took the lock is renewed: nothing ran beside
        its holder in the meantime.
        """
        item = self.client.get_item(TableName=self.table, Key=self.key,
                                    ConsistentRead=True).get("Item")
        if not item or item["token"]["S"] != token:
            return None
        held = LockInfo.from_json(item["holder"]["S"])
        renewed = replace(held, expires_at=self._now() + self.lease_seconds)
        try:
            self.client.put_item(
                TableName=self.table, Item=self._item(renewed),
                ConditionExpression="#t = :token",
                ExpressionAttributeNames={"#t": "token"},
                ExpressionAttributeValues={":token": {"S": token}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return None  # taken over between the read and the write
        return renewed

    def _release(self, info: LockInfo) -> None:
        self.release_token(info.token)

    def release_token(self, token: str) -> bool:
        """Delete the lock item if `token` still owns it (a later call, e.g. another
        Lambda invocation of the run that took it); False when it did not."""
        try:
            self.client.delete_item(
                TableName=self.table, Key=self.key, ConditionExpression="#t = :token",
                ExpressionAttributeNames={"#t": "token"},
                ExpressionAttributeValues={":token": {"S": token}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True


ERASE = "erase"


def erase_lock_name(environment: str) -> str:
    """The lock an erasure takes: it excludes every run of the environment, whatever the date."""
    return f"{environment}/{ERASE}"


def is_run_lock(info: LockInfo) -> bool:
    """A run's lock (`<env>/run`; `<env>/run-<date>` as versions before per-environment
    run locks named it, so such a live lock still excludes an erasure)."""
    last = info.name.rpartition("/")[2]
    return last == RUN or last.startswith(f"{RUN}-")


def is_erase_lock(info: LockInfo) -> bool:
    return info.name.rpartition("/")[2] == ERASE


def local_lock(lake_root: Path, name: str, **kwargs: Any) -> FileLock:
    """A lock of the local lake, under `<lake>/_locks/`."""
    return FileLock(Path(lake_root) / LOCKS_DIR, name, **kwargs)


@contextlib.contextmanager
def run_lock(lock: Lock, timeout: float = 0.0) -> Iterator[LockInfo]:
    """Hold a run lock for the block; waits while an erasure of the environment runs."""
    info = lock.acquire(timeout, conflicts=is_erase_lock)
    try:
        yield info
    finally:
        lock.release()


@contextlib.contextmanager
def erase_lock(lock: Lock, timeout: float = 0.0) -> Iterator[LockInfo]:
    """Hold the erasure lock for the block; waits while any run of the environment runs."""
    info = lock.acquire(timeout, conflicts=is_run_lock)
    try:
        yield info
    finally:
        lock.release()
