"""`python -m tests.harness`: run the emulator in the foreground (what `make emulator` does)."""

from .server import main

main()
