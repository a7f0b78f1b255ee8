"""A run's scope: a shared resource is entered once, on first use, and exited once no
remaining step uses it, or when the run ends — after the last step, on a failure, on Ctrl-C."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from c360.pipeline.scope import RunScope


class Journal:
    def __init__(self) -> None:
        self.events: list[str] = []

    @contextmanager
    def resource(self, name: str) -> Iterator[str]:
        self.events.append(f"enter {name}")
        try:
            yield f"{name}-handle"
        finally:
            self.events.append(f"exit {name}")


def test_resource_is_entered_on_first_use_and_shared_by_later_uses():
    journal = Journal()
    with RunScope() as scope:
        assert "database" not in scope and journal.events == []
        first = scope.shared("database", lambda: journal.resource("database"))
        second = scope.shared("database", lambda: journal.resource("database"))
        assert first == second == "database-handle"
        assert journal.events == ["enter database"]
    assert journal.events == ["enter database", "exit database"]


def test_resources_are_exited_newest_first_when_the_run_ends():
    journal = Journal()
    with RunScope() as scope:
        scope.shared("database", lambda: journal.resource("database"))
        scope.shared("api", lambda: journal.resource("api"))
    assert journal.events == ["enter database", "enter api", "exit api", "exit database"]


@pytest.mark.parametrize("interruption", [RuntimeError("step failed"), KeyboardInterrupt()])
def test_resources_are_exited_when_the_run_fails_or_is_interrupted(interruption):
    journal = Journal()
    with pytest.raises(type(interruption)):
        with RunScope() as scope:
            scope.shared("database", lambda: journal.resource("database"))
            raise interruption
    assert journal.events == ["enter database", "exit database"]


def test_closing_twice_exits_each_resource_once():
    journal = Journal()
    scope = RunScope()
    scope.shared("database", lambda: journal.resource("database"))
    scope.close()
    scope.close()
    assert journal.events == ["enter database", "exit database"]


def test_resource_is_exited_once_none_of_its_steps_remains_to_run():
    journal = Journal()
    with RunScope() as scope:
        scope.shared("database", lambda: journal.resource("database"),
                     used_by={"raw_core_banking_accounts", "raw_core_banking_transactions"})
        scope.shared("api", lambda: journal.resource("api"))  # no steps named: until the end
        scope.release({"raw_core_banking_transactions", "stg_crm_customers"})
        assert journal.events == ["enter database", "enter api"]
        scope.release({"stg_crm_customers"})
        assert journal.events == ["enter database", "enter api", "exit database"]
        assert "database" not in scope and "api" in scope
    assert journal.events == ["enter database", "enter api", "exit database", "exit api"]


def test_every_resource_is_exited_even_when_one_exit_fails():
    journal = Journal()

    @contextmanager
    def failing_exit() -> Iterator[str]:
        yield "handle"
        raise OSError("server did not stop")

    with pytest.raises(OSError, match="server did not stop"):
        with RunScope() as scope:
            scope.shared("database", lambda: journal.resource("database"))
            scope.shared("broken", failing_exit)
    assert journal.events == ["enter database", "exit database"]
