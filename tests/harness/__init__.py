"""The one AWS emulator harness (ARCHITECTURE §8): moto server on 127.0.0.1 + workarounds.

- `start_emulator()` / `Emulator` (emulator.py): start, reach, stop.
- pytest fixtures (fixtures.py): `emulator` (session), `aws_env`, `unique_name`.
- `python -m tests.harness` (make emulator): the emulator in the foreground.
- workarounds.py: each moto limit the harness bends, named and explained.
"""

from .emulator import ACCOUNT_ID, REGION, Emulator, EmulatorError, start_emulator

__all__ = ["ACCOUNT_ID", "REGION", "Emulator", "EmulatorError", "start_emulator"]
