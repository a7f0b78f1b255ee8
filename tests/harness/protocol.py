"""What the emulator process and its parent agree on."""

READY = "C360_EMULATOR_READY"
"""The emulator prints `READY <endpoint>` on stdout once it accepts requests."""
HOST = "127.0.0.1"
"""The only address the emulator listens on."""
