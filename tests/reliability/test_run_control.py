"""The run_control Lambda: a deployed run's logical date, and one run at a time in AWS."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from c360.locking import (
    DynamoDBLock,
    LockHeld,
    erase_lock,
    erase_lock_name,
    is_run_lock,
    lock_name,
)
from c360.orchestration.run_control import (
    RunControlError,
    RunLockLost,
    handle,
    logical_date_for,
    renew,
    start,
)

ENV = {"C360_ENV": "c360-dev", "C360_RUN_LEASE_SECONDS": "3600"}


@pytest.mark.parametrize(("schedule", "scheduled_time", "expected"), [
    ("hourly", "2026-11-26T00:00:00Z", date(2026, 11, 26)),  # the day it runs in
    ("hourly", "2026-11-26T00:30:00+01:00", date(2026, 11, 25)),  # 23:30 UTC the day before
    ("daily", "2026-11-26T03:00:00Z", date(2026, 11, 25)),  # the day that ended
    ("daily", "2026-12-01T03:00:00Z", date(2026, 11, 30)),  # across a month end
    ("weekly", "2026-11-30T04:00:00Z", date(2026, 11, 29)),  # Monday 04:00: that Sunday
])
def test_a_scheduled_run_derives_its_logical_date_in_utc(
        schedule: str, scheduled_time: str, expected: date) -> None:
    assert logical_date_for(schedule, {"scheduled_time": scheduled_time}) == expected  # type: ignore[arg-type]


def test_a_logical_date_given_in_the_input_wins_over_the_scheduled_time() -> None:
    assert logical_date_for("daily", {"logical_date": "2026-11-20",
                                      "scheduled_time": "2026-11-26T03:00:00Z"}) == date(
        2026, 11, 20)


@pytest.mark.parametrize(("execution_input", "message"), [
    ({}, "the execution input needs logical_date (YYYY-MM-DD) or scheduled_time"),
    ({"logical_date": "25/11/2026"}, "logical_date must be YYYY-MM-DD, got '25/11/2026'"),
    ({"scheduled_time": "yesterday"}, "scheduled_time must be an ISO 8601 instant"),
    ({"scheduled_time": "2026-11-26T03:00:00"}, "scheduled_time must carry its UTC offset"),
])
def test_an_input_without_a_usable_date_is_refused_saying_why(
        execution_input: dict[str, str], message: str) -> None:
    with pytest.raises(RunControlError, match=message.replace("(", r"\(").replace(")", r"\)")):
        logical_date_for("daily", execution_input)


def test_an_unknown_action_or_schedule_is_refused() -> None:
    with pytest.raises(RunControlError,
                       match="action must be one of start, renew, finish, got 'begin'"):
        handle({"action": "begin"}, ENV, client=object())
    with pytest.raises(RunControlError, match="schedule must be one of hourly, daily, weekly"):
        handle({"action": "start", "schedule": "monthly", "execution": "x"}, ENV,
               client=object())


@pytest.mark.emulator
class TestTheRunLockInDynamoDB:
    """`start` and `finish` against a real DynamoDB table (the emulator)."""

    @pytest.fixture
    def table(self, aws_env, unique_name: str) -> tuple[object, dict[str, str]]:  # noqa: ANN001
        from c360.serving.keys import table_definition

        client = aws_env.client("dynamodb")
        client.create_table(**table_definition(unique_name))
        return client, {**ENV, "C360_LOCKS_TABLE": unique_name}

    def test_start_names_the_run_and_takes_the_environments_run_lock(self, table) -> None:  # noqa: ANN001
        client, env = table
        started = handle({"action": "start", "schedule": "daily", "execution": "exec-1",
                          "input": {"scheduled_time": "2026-11-26T03:00:00Z"}}, env, client)
        assert started == {"logical_date": "2026-11-25", "run_id": "daily-2026-11-25",
                           "lock_token": "exec-1"}
        holder = DynamoDBLock(client, env["C360_LOCKS_TABLE"], lock_name("c360-dev")).holder()
        assert holder is not None
        assert (holder.name, holder.token, holder.owner) == (
            "c360-dev/run", "exec-1", "daily-2026-11-25 (execution exec-1)")

    def test_a_run_of_another_date_is_refused_while_one_holds_the_lock(self, table) -> None:  # noqa: ANN001
        client, env = table
        handle({"action": "start", "schedule": "daily", "execution": "exec-daily",
                "input": {"logical_date": "2026-11-25"}}, env, client)
        with pytest.raises(LockHeld, match=r"lock c360-dev/run is taken: held by "
                                           r"daily-2026-11-25 \(execution exec-daily\)"):
            handle({"action": "start", "schedule": "hourly", "execution": "exec-hourly",
                    "input": {"scheduled_time": "2026-11-26T03:00:00Z"}}, env, client)

    def test_a_retried_start_of_the_same_execution_finds_the_lock_its_own(self, table) -> None:  # noqa: ANN001
        client, env = table
        event = {"action": "start", "schedule": "weekly", "execution": "exec-7",
                 "input": {"logical_date": "2026-11-29"}}
        first = handle(event, env, client)
        assert handle(event, env, client) == first  # its answer was lost: called again

    def test_finish_gives_the_lock_back_and_the_next_run_starts(self, table) -> None:  # noqa: ANN001
        client, env = table
        run = handle({"action": "start", "schedule": "daily", "execution": "exec-a",
                      "input": {"logical_date": "2026-11-25"}}, env, client)
        assert handle({"action": "finish", "outcome": "failed", "run": run,
                       "execution": "exec-a"}, env, client) == {
            "run_id": "daily-2026-11-25", "outcome": "failed", "released": True}
        assert handle({"action": "start", "schedule": "hourly", "execution": "exec-b",
                       "input": {"logical_date": "2026-11-26"}}, env, client)["lock_token"] == (
            "exec-b")

    def test_finish_never_frees_a_successors_lock(self, table) -> None:  # noqa: ANN001
        client, env = table
        clock = [1_000_000.0]
        lock = DynamoDBLock(client, env["C360_LOCKS_TABLE"], lock_name("c360-dev"),
                            lease_seconds=60, now=lambda: clock[0], token="exec-successor")
        lock.acquire()  # e.g. the finishing run's lease ran out and another run took over
        late = {"action": "finish", "run": {"run_id": "daily-2026-11-25",
                                            "lock_token": "exec-late"}, "execution": "exec-late"}
        assert handle(late, env, client)["released"] is False
        assert lock.holder() == lock.info

    def test_a_run_is_refused_while_an_erasure_holds_the_environment(self, table) -> None:  # noqa: ANN001
        client, env = table
        erasing = DynamoDBLock(client, env["C360_LOCKS_TABLE"], erase_lock_name("c360-dev"))
        with erase_lock(erasing):
            with pytest.raises(LockHeld, match="lock c360-dev/run is taken by c360-dev/erase"):
                handle({"action": "start", "schedule": "daily", "execution": "exec-e",
                        "input": {"logical_date": "2026-11-25"}}, env, client)
        # refused, its own item was taken back: nothing is left that would block the next run
        assert DynamoDBLock(client, env["C360_LOCKS_TABLE"], lock_name("c360-dev")).holder() is None

    def test_renew_extends_the_lease_from_now_and_keeps_the_holder(self, table) -> None:  # noqa: ANN001
        client, env = table
        run = start({"action": "start", "schedule": "daily", "execution": "exec-r",
                     "input": {"logical_date": "2026-11-25"}}, env, client,
                    now=lambda: 1_000_000.0)
        before = DynamoDBLock(client, env["C360_LOCKS_TABLE"], lock_name("c360-dev")).holder()

        renewed = renew({"action": "renew", "run": run, "stage": "Stage 3 of 9",
                         "execution": "exec-r"}, env, client, now=lambda: 1_003_000.0)

        assert renewed == {"run_id": "daily-2026-11-25", "expires_at": 1_006_600.0}
        after = DynamoDBLock(client, env["C360_LOCKS_TABLE"], lock_name("c360-dev")).holder()
        assert before is not None and before.expires_at == 1_003_600.0
        assert after == replace(before, expires_at=1_006_600.0)

    def test_renew_of_a_lease_that_ran_out_while_nobody_took_the_lock_keeps_it(
            self, table) -> None:  # noqa: ANN001
        client, env = table
        run = start({"action": "start", "schedule": "daily", "execution": "exec-slow",
                     "input": {"logical_date": "2026-11-25"}}, env, client,
                    now=lambda: 1_000_000.0)
        late = renew({"action": "renew", "run": run, "execution": "exec-slow"}, env, client,
                     now=lambda: 1_005_000.0)  # 1,400 s past the lease's end
        assert late["expires_at"] == 1_008_600.0

    def test_renew_after_another_run_took_the_lock_stops_the_run_naming_the_holder(
            self, table) -> None:  # noqa: ANN001
        client, env = table
        run = start({"action": "start", "schedule": "daily", "execution": "exec-old",
                     "input": {"logical_date": "2026-11-25"}}, env, client,
                    now=lambda: 1_000_000.0)
        start({"action": "start", "schedule": "hourly", "execution": "exec-new",
               "input": {"logical_date": "2026-11-26"}}, env, client,
              now=lambda: 1_004_000.0)  # the old run's lease ended at 1,003,600
        successor = DynamoDBLock(client, env["C360_LOCKS_TABLE"], lock_name("c360-dev")).holder()

        with pytest.raises(RunLockLost, match=(
                r"run daily-2026-11-25 \(execution exec-old\) no longer holds lock "
                r"c360-dev/run before Stage 2 of 4: its lease \(3600 s, "
                r"C360_RUN_LEASE_SECONDS\) ran out and the lock is now held by "
                r"hourly-2026-11-26 \(execution exec-new\)")):
            handle({"action": "renew", "run": run, "stage": "Stage 2 of 4",
                    "execution": "exec-old"}, env, client)
        assert DynamoDBLock(client, env["C360_LOCKS_TABLE"],
                            lock_name("c360-dev")).holder() == successor  # untouched

    def test_renew_stops_a_run_when_an_erasure_started_after_its_lease_ran_out(
            self, table) -> None:  # noqa: ANN001
        client, env = table
        run = start({"action": "start", "schedule": "daily", "execution": "exec-long",
                     "input": {"logical_date": "2026-11-25"}}, env, client,
                    now=lambda: 1_000_000.0)
        erasing = DynamoDBLock(client, env["C360_LOCKS_TABLE"], erase_lock_name("c360-dev"),
                               now=lambda: 1_004_000.0, owner="erase-request-7")
        erasing.acquire(conflicts=is_run_lock)  # the run's lease ended at 1,003,600

        with pytest.raises(RunLockLost, match=(
                r"run daily-2026-11-25 \(execution exec-long\) stops before Stage 5 of 9: an "
                r"erasure of the environment holds c360-dev/erase \(erase-request-7, pid")):
            renew({"action": "renew", "run": run, "stage": "Stage 5 of 9",
                   "execution": "exec-long"}, env, client, now=lambda: 1_004_100.0)
        assert erasing.holder() == erasing.info  # the erasure keeps its lock
