"""Run `c360 run` in this process and SIGKILL it at a chosen point (crash-recovery tests).

    python crash_driver.py --point after:stg_crm_customers -- run --sources S ...
    python crash_driver.py --point first-write:stg_crm_customers -- run ...
    python crash_driver.py --point in-write:c360_customer_profile -- run ...
    python crash_driver.py --point before-manifest -- run ...

The kill is a real SIGKILL of this process (no cleanup, no `finally`), placed
exactly: right after a step returned (a step boundary), inside a step's first
table write (data staged, not yet committed), right after the first table a step
writes (mid-step: e.g. `stg_*` written, `quarantine_*` not), or after every step
but before the run manifest. Only this test driver patches the
pipeline; production code has no fault hooks.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import replace
from typing import Any


def _die() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _install(point: str) -> None:
    import c360.pipeline.runner as runner
    from c360.engine.base import Engine

    kind, _, step_name = point.partition(":")
    if kind == "before-manifest":
        runner.write_manifest = lambda *a, **k: _die()  # type: ignore[assignment]
        return
    original_build = runner.build_steps

    def wrapped(step: Any) -> Any:
        def run(ctx: Any) -> Any:
            if kind == "after":
                result = step.run(ctx)
                _die()
                return result
            if kind == "in-write":
                import c360.lake as lake_module

                def staged_then_killed(staged: Any, final: Any) -> None:
                    _die()

                lake_module.commit_dir = staged_then_killed  # type: ignore[assignment]
                return step.run(ctx)
            if kind == "first-write":
                for method in ("write_table", "write_arrow"):
                    original = getattr(Engine, method)

                    def killing(self: Any, *a: Any, _original: Any = original, **k: Any) -> Any:
                        result = _original(self, *a, **k)
                        _die()
                        return result

                    setattr(Engine, method, killing)
                return step.run(ctx)
            raise SystemExit(f"unknown kill point {point!r}")
        return replace(step, run=run)

    def build_steps() -> list[Any]:
        steps = original_build()
        if step_name not in {s.name for s in steps}:
            raise SystemExit(f"no step {step_name!r}")
        return [wrapped(s) if s.name == step_name else s for s in steps]

    runner.build_steps = build_steps  # type: ignore[assignment]


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[0] != "--point" or argv[2] != "--":
        raise SystemExit(__doc__)
    _install(argv[1])
    from c360.cli import main as cli_main

    cli_main(argv[3:])


if __name__ == "__main__":
    main(sys.argv[1:])
