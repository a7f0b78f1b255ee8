"""The simulated core-banking database: a throwaway PostgreSQL cluster, its loader, its feeder.

`LocalPostgres` runs a private cluster for tests and the demo: `initdb` into a
temporary folder, `postgres` on 127.0.0.1 and a free port, password
authentication (a random password per cluster), no Unix socket; `stop()` (or
leaving the `with` block) shuts it down with `pg_ctl stop -m fast` and deletes
it. `initdb` refuses to run as root, so as root the cluster runs as the
unprivileged system user `c360pg` (created when missing) via `runuser`.

`load_core_banking` creates the schema (`sql/postgres/core_banking.sql`) and
COPYs the generator's CSV tables in (each table's foreign keys and indexes are
dropped for the COPY and re-created after it, in the same transaction).
`SimulatedCoreBanking` is the simulated source of one pipeline run: one cluster,
started on first use, each table loaded once; `simulated_core_banking(sources)`
is the same for a caller that wants the source ready before a run (it yields the
DSN to pass as `C360_CORE_BANKING_DSN`). `TransactionFeeder` then books new
transactions continuously — thousands per minute, each batch in one database
transaction that also moves the accounts' balances and `updated_at` — the way
the bank's posting engine keeps the real database moving under the extract.
"""

from __future__ import annotations

import glob
import os
import pwd
import random
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from c360.resources import sql_dir

SERVICE_USER = "c360pg"
SCHEMA = "core_banking"
DATABASE = "core_banking"
TABLES = ("products", "customers", "accounts", "transactions")  # load order (foreign keys)
# The tables each table references (they must be loaded first).
PARENTS: dict[str, tuple[str, ...]] = {
    "products": (),
    "customers": (),
    "accounts": ("products", "customers"),
    "transactions": ("accounts",),
}
# `application_name` of the simulated source's DSN: how a step told that DSN tells it apart
# from a real database's (the run manifest says which one it read).
SIMULATED_APPLICATION = "c360-simulated-core-banking"


class PostgresUnavailable(RuntimeError):
    """The local cluster could not start or stop; the message carries the server log."""


class PostgresNotInstalled(FileNotFoundError):
    """The PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed."""


def find_binary(name: str) -> str:
    """`initdb`, `pg_ctl`, ... from PATH, else Debian's /usr/lib/postgresql/<v>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise PostgresNotInstalled(
        f"PostgreSQL server binary {name!r} not found on PATH or in /usr/lib/postgresql/*/bin; "
        "install PostgreSQL 15 (Debian: apt-get install postgresql-15) or point ingestion at "
        "an existing database with C360_CORE_BANKING_DSN"
    )


def available() -> bool:
    """Whether a local cluster can be started here (binaries present)."""
    try:
        for name in ("initdb", "pg_ctl", "postgres"):
            find_binary(name)
    except PostgresNotInstalled:
        return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_service_user() -> None:
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_USER,
            ],
            check=True,
            capture_output=True,
            text=True,
        )


class LocalPostgres:
    """A private PostgreSQL cluster on 127.0.0.1; a context manager that always cleans up."""

    def __init__(
        self, base_dir: Path | None = None, user: str = "c360", database: str = DATABASE
    ) -> None:
        self.base_dir = base_dir
        self.user = user
        self.database = database
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self.root: Path | None = None
        self._as_root = os.geteuid() == 0
        self._started = False

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        if self.root is None:
            raise PostgresUnavailable("cluster not initialised")
        return self.root / "data"

    @property
    def dsn(self) -> str:
        """libpq URL of the cluster's database (password included: a throwaway cluster)."""
        return (
            f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/"
            f"{self.database}?connect_timeout=10"
        )

    @property
    def jdbc_url(self) -> str:
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{self.database}"

    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = ["runuser", "-u", SERVICE_USER, "--", *args] if self._as_root else args
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise PostgresUnavailable(
                f"{Path(args[0]).name} failed ({result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[-800:]}{self._log_tail()}"
            )
        return result

    def _log_tail(self) -> str:
        log = self.root / "server.log" if self.root else None
        if log and log.exists():
            return "\nserver log:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        return ""

    def start(self) -> LocalPostgres:
        initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
        find_binary("postgres")
        if self._as_root:
            _ensure_service_user()
        reap_orphaned_clusters(self.base_dir)  # left by runs killed with SIGKILL
        self.root = Path(tempfile.mkdtemp(prefix="c360-pg-", dir=self.base_dir))
        try:
            os.chmod(self.root, 0o700)
            # Who started it: a cluster whose starter is gone is an orphan (see reap_...).
            (self.root / OWNER_FILE).write_text(f"{os.getpid()}\n")
            pwfile = self.root / "pwfile"
            pwfile.write_text(self.password + "\n")
            if self._as_root:
                owner = pwd.getpwnam(SERVICE_USER)
                os.chown(self.root, owner.pw_uid, owner.pw_gid)
                os.chown(pwfile, owner.pw_uid, owner.pw_gid)
            self._run(
                [
                    initdb,
                    "-D",
                    str(self.data_dir),
                    "-U",
                    self.user,
                    "--pwfile",
                    str(pwfile),
                    "--auth=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                    "--no-instructions",
                ]
            )
            pwfile.unlink()
            last_error: Exception | None = None
            for _ in range(3):  # the free port can be taken between probe and bind: retry
                self.port = _free_port()
                options = (
                    f"-c listen_addresses=127.0.0.1 -p {self.port} "
                    "-c unix_socket_directories='' -c fsync=off "
                    "-c full_page_writes=off -c synchronous_commit=off "
                    "-c max_connections=40 -c timezone=UTC"
                )
                try:
                    self._run(
                        [
                            pg_ctl,
                            "-D",
                            str(self.data_dir),
                            "-o",
                            options,
                            "-w",
                            "-t",
                            "60",
                            "-l",
                            str(self.root / "server.log"),
                            "start",
                        ]
                    )
                    self._started = True
                    break
                except PostgresUnavailable as exc:
                    last_error = exc
            if not self._started:
                raise last_error or PostgresUnavailable("postgres did not start")
            self._create_database()
        except BaseException:
            self.stop()
            raise
        return self

    def _create_database(self) -> None:
        import psycopg

        admin = self.dsn.replace(f"/{self.database}?", "/postgres?")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'create database "{self.database}"')

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete the cluster; safe to call twice."""
        if self.root is None:
            return
        try:
            if self._started:
                result = self._run(
                    [
                        find_binary("pg_ctl"),
                        "-D",
                        str(self.data_dir),
                        "-m",
                        "fast",
                        "-w",
                        "-t",
                        "60",
                        "stop",
                    ],
                    check=False,
                )
                if result.returncode != 0:
                    self._kill_postmaster()
                self._started = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    def _kill_postmaster(self) -> None:
        """Last resort: SIGKILL the postmaster this object started (by its pid file)."""
        pid_file = self.data_dir / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().splitlines()[0])
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers ------------------------------------------------------------------------
    def connect(self, **kwargs: Any) -> Any:
        import psycopg

        return psycopg.connect(self.dsn, **kwargs)


# -- orphans ------------------------------------------------------------------------------

OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_postmaster(data_dir: Path, wait: float = 10.0) -> None:
    """Immediate shutdown (SIGQUIT) of the postmaster of `data_dir`, SIGKILL if it lingers."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return
    if not _alive(pid):
        return
    os.kill(pid, signal.SIGQUIT)
    deadline = time.monotonic() + wait
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


def reap_orphaned_clusters(base_dir: Path | None = None) -> list[Path]:
    """Stop and delete throwaway clusters whose starting process is gone.

    A `c360 run` killed with SIGKILL cannot stop the simulated database it started
    (no `finally` runs). Each cluster records its starter's pid (`owner.pid`); any
    cluster whose starter no longer exists is shut down and removed here, by the next
    `LocalPostgres.start()` and by the test session's end. Live starters' clusters,
    and folders without an owner file, are left alone. Returns the folders removed.
    """
    base = Path(base_dir) if base_dir else Path(tempfile.gettempdir())
    reaped = []
    for root in sorted(base.glob("c360-pg-*")):
        try:
            owner = int((root / OWNER_FILE).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if _alive(owner):
            continue
        _stop_postmaster(root / "data")
        shutil.rmtree(root, ignore_errors=True)
        reaped.append(root)
    return reaped


# -- schema and loading ------------------------------------------------------------------


def ddl() -> str:
    return (sql_dir() / "postgres" / "core_banking.sql").read_text(encoding="utf-8")


def create_schema(dsn: str) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(ddl().encode())  # a trusted file of ours, not user input


# Foreign keys and indexes of a table, read from the catalogue: (kind, name, definition).
# A primary/unique key another table's foreign key depends on stays (it cannot be dropped).
_DEFERRABLE_SQL = """
select 'foreign_key', c.conname, pg_get_constraintdef(c.oid)
from pg_constraint c where c.conrelid = %(table)s::regclass and c.contype = 'f'
union all
select 'key', c.conname, pg_get_constraintdef(c.oid)
from pg_constraint c where c.conrelid = %(table)s::regclass and c.contype in ('p', 'u')
  and not exists (select 1 from pg_constraint r where r.contype = 'f' and r.conindid = c.conindid)
union all
select 'index', x.relname, pg_get_indexdef(i.indexrelid)
from pg_index i join pg_class x on x.oid = i.indexrelid
where i.indrelid = %(table)s::regclass
  and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
"""


def _defer_constraints(conn: Any, table: str) -> list[Any]:
    """Drop `table`'s foreign keys, secondary indexes and unreferenced keys; return the
    statements that re-create them (keys, then indexes, then foreign keys).

    COPY into a table with them checks a foreign key (a trigger call) and inserts into
    every index row by row; re-creating them after the COPY is one sort per index and
    one join per foreign key (5M transactions: ~50 s → ~15 s). Run in the COPY's
    transaction, a failed load rolls the drops back too.
    """
    from psycopg import sql

    qualified = sql.Identifier(SCHEMA, table)
    found = conn.execute(_DEFERRABLE_SQL, {"table": f"{SCHEMA}.{table}"}).fetchall()
    order = {"key": 0, "index": 1, "foreign_key": 2}
    recreate: list[Any] = []
    for kind, name, definition in sorted(found, key=lambda row: (-order[row[0]], row[1])):
        if kind == "index":
            conn.execute(sql.SQL("drop index {}").format(sql.Identifier(SCHEMA, name)))
            recreate.append(sql.SQL(definition))
        else:
            conn.execute(sql.SQL("alter table {} drop constraint {}").format(
                qualified, sql.Identifier(name)))
            recreate.append(sql.SQL("alter table {} add constraint {} {}").format(
                qualified, sql.Identifier(name), sql.SQL(definition)))
    return recreate[::-1]


def copy_csv(dsn: str, table: str, csv_path: Path) -> int:
    """COPY one generator CSV (header row, RFC 4180, empty = NULL) into `core_banking.<table>`.

    One transaction: the table's foreign keys and indexes are dropped, the rows copied,
    then the keys, indexes and foreign keys re-created (and so checked) — the table ends
    exactly as the schema declares it, or the load fails and nothing changed.
    """
    import psycopg
    from psycopg import sql

    if table not in TABLES:
        raise ValueError(f"unknown core-banking table {table!r}; one of {', '.join(TABLES)}")
    header = csv_path.open(encoding="utf-8").readline().strip()
    columns = [c.strip().strip('"') for c in header.split(",")]
    statement = sql.SQL("copy {}.{} ({}) from stdin (format csv, header true)").format(
        sql.Identifier(SCHEMA),
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
    )
    with psycopg.connect(dsn) as conn:
        conn.execute("set local maintenance_work_mem = '256MB'")  # index builds sort in memory
        recreate = _defer_constraints(conn, table)
        with conn.cursor() as cur:
            with cur.copy(statement) as copy, csv_path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            rows = cur.rowcount
        for ddl_statement in recreate:
            conn.execute(ddl_statement)
        if table == "transactions":
            conn.execute(
                "select setval(pg_get_serial_sequence('core_banking.transactions', "
                "'transaction_id'), coalesce(max(transaction_id), 0) + 1, false) "
                "from core_banking.transactions"
            )
    return int(rows)


def load_core_banking(
    dsn: str, sources_dir: Path, tables: Iterable[str] = TABLES
) -> dict[str, int]:
    """Create the schema and load the generator's `core_banking/<table>.csv` files.

    Tables are loaded in foreign-key order; a table whose parents are not loaded
    fails (load `TABLES`, or a prefix of it, or add tables whose parents an earlier
    call loaded). The loaded tables are analysed.
    """
    import psycopg
    from psycopg import sql

    folder = sources_dir / "core_banking"
    wanted = set(tables)
    missing = [t for t in TABLES if t in wanted and not (folder / f"{t}.csv").is_file()]
    if missing:
        raise FileNotFoundError(
            f"core_banking: {', '.join(f'{t}.csv' for t in missing)} not found in {folder}"
        )
    create_schema(dsn)
    counts = {t: copy_csv(dsn, t, folder / f"{t}.csv") for t in TABLES if t in wanted}
    if counts:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("analyze {}").format(
                sql.SQL(", ").join(sql.Identifier(SCHEMA, t) for t in counts)))
    return counts


def with_parents(tables: Iterable[str]) -> list[str]:
    """`tables` and every table they reference, in load (foreign-key) order."""
    needed: set[str] = set()
    pending = list(tables)
    while pending:
        table = pending.pop()
        if table not in PARENTS:
            raise ValueError(f"unknown core-banking table {table!r}; one of {', '.join(TABLES)}")
        if table not in needed:
            needed.add(table)
            pending.extend(PARENTS[table])
    return [t for t in TABLES if t in needed]


def is_simulated(dsn: str) -> bool:
    """Whether `dsn` is a simulated source's (`SimulatedCoreBanking.dsn`), not a real database's."""
    values = parse_qs(urlsplit(dsn).query).get("application_name", [])
    return SIMULATED_APPLICATION in values


class SimulatedCoreBanking:
    """The simulated core-banking database: a `LocalPostgres` loaded from the generator's CSV.

    Lazy: the cluster starts on the first `dsn_for(...)`, and each table is loaded the
    first time a caller needs it or a table referencing it — so one pipeline run starts
    one cluster and loads every table once, however many steps read it. `stop()` (or
    leaving the `with` block, failed or not) stops the server and deletes it.
    """

    def __init__(self, sources_dir: Path, base_dir: Path | None = None) -> None:
        self.sources_dir = sources_dir
        self.base_dir = base_dir
        self.counts: dict[str, int] = {}
        """Rows loaded per table so far."""
        self.seconds = 0.0
        """Time spent starting the cluster and loading tables so far."""
        self._pg: LocalPostgres | None = None

    @property
    def folder(self) -> Path:
        return self.sources_dir / "core_banking"

    @property
    def port(self) -> int:
        """The server's port on 127.0.0.1 (0 before it started)."""
        return self._pg.port if self._pg else 0

    @property
    def dsn(self) -> str:
        """libpq URL of the database (marked with `SIMULATED_APPLICATION`); starts nothing."""
        if self._pg is None:
            raise PostgresUnavailable("the simulated core-banking database is not started")
        return f"{self._pg.dsn}&application_name={SIMULATED_APPLICATION}"

    def dsn_for(self, *tables: str) -> str:
        """The DSN, with `tables` and the tables they reference loaded (started if needed)."""
        todo = [t for t in with_parents(tables) if t not in self.counts]
        if self._pg is not None and not todo:
            return self.dsn
        missing = [t for t in todo if not (self.folder / f"{t}.csv").is_file()]
        if missing:  # before a server is started for nothing
            raise FileNotFoundError(
                f"core_banking: {', '.join(f'{t}.csv' for t in missing)} not found in "
                f"{self.folder}"
            )
        started = time.perf_counter()
        try:
            if self._pg is None:
                self._pg = LocalPostgres(self.base_dir).start()
            self.counts.update(load_core_banking(self._pg.dsn, self.sources_dir, todo))
        finally:
            self.seconds += time.perf_counter() - started
        return self.dsn

    def stop(self) -> None:
        """Stop the server and delete the cluster; safe to call twice."""
        pg, self._pg = self._pg, None
        if pg is not None:
            pg.stop()

    def __enter__(self) -> SimulatedCoreBanking:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def simulated_core_banking(sources_dir: Path, base_dir: Path | None = None) -> Iterator[str]:
    """Start the simulated core-banking database with every table loaded; yield its DSN.

    For a caller that wants the source simulation out of what it measures (the
    benchmark): give the DSN to the run as `C360_CORE_BANKING_DSN` (or
    `Settings.core_banking_dsn`); the `raw_core_banking_*` steps then extract from it
    instead of starting their own, and their manifest names it as a pre-started
    simulation. Extracts only read it, so several runs (fresh lakes) can share one.
    The server is stopped and deleted when the `with` block ends, failed or not.
    """
    with SimulatedCoreBanking(sources_dir, base_dir) as source:
        yield source.dsn_for(*TABLES)


# -- the posting engine ------------------------------------------------------------------

_CATEGORIES = (
    ("groceries", "card", ("FRESHMART", "GREENLEAF GROCERY", "CITY MARKET"), 12, 140),
    ("dining", "card", ("CORNER BISTRO", "NOODLE HOUSE", "CAFE AROMA"), 6, 80),
    ("shopping", "online", ("ONLINE MEGASTORE", "STYLE OUTLET"), 10, 250),
    ("transfer", "online", ("P2P TRANSFER",), 20, 600),
    ("atm", "atm", ("C360 BANK ATM",), 20, 300),
)


class TransactionFeeder:
    """Books new transactions into the database until told to stop.

    `run(duration=, count=)` blocks; `start()` / `stop()` run it on a thread.
    Each tick inserts a batch in one database transaction (ids come from the
    identity sequence, so they commit in increasing order) and moves the
    accounts' balances and `updated_at`, like a posting engine.
    """

    def __init__(
        self,
        dsn: str,
        per_minute: int = 3000,
        batch: int = 50,
        seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute < 1 or batch < 1:
            raise ValueError("per_minute and batch must be >= 1")
        self.dsn = dsn
        self.per_minute = per_minute
        self.batch = batch
        self.rng = random.Random(seed)
        self.clock = clock
        self.inserted = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def _accounts(self, conn: Any) -> list[int]:
        rows = conn.execute(
            "select account_id from core_banking.accounts a join core_banking.products p "
            "using (product_code) where a.status = 'open' and p.product_type in "
            "('checking', 'savings', 'credit_card') order by account_id"
        ).fetchall()
        if not rows:
            raise RuntimeError("core_banking.accounts has no open checking/savings/card account")
        return [int(r[0]) for r in rows]

    def _rows(self, accounts: list[int], size: int) -> list[tuple[Any, ...]]:
        out = []
        for _ in range(size):
            category, channel, merchants, low, high = self.rng.choice(_CATEGORIES)
            cents = self.rng.randint(low * 100, high * 100)
            credit = category == "transfer" and self.rng.random() < 0.35
            amount = Decimal(cents if credit else -cents) / 100
            merchant = self.rng.choice(merchants)
            out.append(
                (
                    self.rng.choice(accounts),
                    amount,
                    "credit" if credit else "debit",
                    category,
                    merchant,
                    channel,
                    f"{category.upper()} {merchant}",
                )
            )
        return out

    def run(self, duration: float | None = None, count: int | None = None) -> int:
        """Insert until `duration` seconds passed, `count` rows were booked, or `stop()`."""
        if duration is None and count is None:
            raise ValueError("give a duration (seconds) or a count: the feeder must end")
        import psycopg

        interval = self.batch * 60.0 / self.per_minute
        started = self.clock()
        with psycopg.connect(self.dsn) as conn:
            accounts = self._accounts(conn)
            conn.commit()
            next_tick = started
            while not self._stop.is_set():
                if duration is not None and self.clock() - started >= duration:
                    break
                size = self.batch if count is None else min(self.batch, count - self.inserted)
                if size <= 0:
                    break
                rows = self._rows(accounts, size)
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(
                        "insert into core_banking.transactions (account_id, booked_at, amount, "
                        "direction, category, merchant, channel, description) values "
                        "(%s, now() at time zone 'utc', %s, %s, %s, %s, %s, %s)",
                        rows,
                    )
                    cur.executemany(
                        "update core_banking.accounts set balance = balance + %s, "
                        "updated_at = now() at time zone 'utc' where account_id = %s",
                        [(r[1], r[0]) for r in rows],
                    )
                self.inserted += size
                next_tick += interval
                self._stop.wait(max(0.0, next_tick - self.clock()))
        return self.inserted

    def start(self, duration: float | None = None, count: int | None = None) -> TransactionFeeder:
        def target() -> None:
            try:
                self.run(duration=duration, count=count)
            except BaseException as exc:  # reported by stop()
                self.error = exc

        self._thread = threading.Thread(target=target, name="transaction-feeder", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> int:
        """Stop the feeder thread, wait for it, and return how many rows it booked."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self.error is not None:
            raise RuntimeError(f"transaction feeder failed: {self.error}") from self.error
        return self.inserted
