"""Resources that live as long as one pipeline run needs them and are shared by its steps.

A step asks the run's `RunScope` for a resource by key (`shared(key, factory,
used_by)`): the first ask enters the context manager `factory()` returns, later asks
get the same object. The runner calls `release(remaining)` after each step, which
exits every resource none of the remaining steps uses (`used_by`), and the run
exits whatever is left, newest first, when it ends — finished, failed or
interrupted (KeyboardInterrupt included). The simulated core-banking database is
one: started once, read by the four `raw_core_banking_*` steps, stopped after the
last of them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractContextManager, ExitStack
from typing import Any, TypeVar, cast

T = TypeVar("T")


class RunScope:
    """Run-scoped resources: entered on first use, exited when no longer needed."""

    def __init__(self) -> None:
        self._entered: dict[str, tuple[Any, ExitStack, frozenset[str]]] = {}

    def shared(self, key: str, factory: Callable[[], AbstractContextManager[T]],
               used_by: Collection[str] = ()) -> T:
        """The resource `key`, entering `factory()` the first time it is asked for.

        `used_by` names the steps that use it; once none of them remains to run, the
        runner's `release` exits it. Without `used_by` it lasts until the run ends.
        """
        if key not in self._entered:
            with ExitStack() as stack:
                value = stack.enter_context(factory())
                self._entered[key] = (value, stack.pop_all(), frozenset(used_by))
        return cast(T, self._entered[key][0])

    def __contains__(self, key: str) -> bool:
        return key in self._entered

    def release(self, remaining: Collection[str]) -> None:
        """Exit every resource whose steps are all done (none of them in `remaining`)."""
        left = set(remaining)
        done = [k for k, (_, _, users) in self._entered.items() if users and not users & left]
        self._exit(done)

    def close(self) -> None:
        """Exit every resource still entered (newest first); safe to call twice."""
        self._exit(list(self._entered))

    def _exit(self, keys: list[str]) -> None:
        with ExitStack() as closing:  # every one is exited even if an earlier exit raises
            for key in keys:  # oldest first; ExitStack exits the last pushed first
                closing.push(self._entered.pop(key)[1])

    def __enter__(self) -> RunScope:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
