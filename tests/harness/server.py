"""The emulator process: moto's server on 127.0.0.1 with the harness workarounds.

Run by `Emulator.start()` (tests) and `python -m tests.harness` (make emulator).
Prints one line `C360_EMULATOR_READY <endpoint>` once it accepts requests, then
serves until SIGINT/SIGTERM or, when `--watch-stdin` is given, until its stdin
closes (the parent died or is done): a test run that crashes leaves no server
behind.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from .protocol import HOST, READY


def serve(port: int, region: str, watch_stdin: bool, quiet: bool) -> None:
    from moto.server import ThreadedMotoServer

    from .workarounds import APPLIED, apply_all, sdk_retry_gets_first_answer

    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    host, real_port = server.get_host_and_port()
    endpoint = f"http://{host}:{real_port}"
    # moto's Step Functions interpreter calls services at localhost:$MOTO_PORT.
    os.environ["MOTO_PORT"] = str(real_port)
    with tempfile.TemporaryDirectory(prefix="c360-emulator-") as scratch:
        apply_all(endpoint, region, Path(scratch))
        # Before READY is printed, so no request reaches moto's app unwrapped.
        server._server.app = sdk_retry_gets_first_answer(server._server.app)  # type: ignore[union-attr]
        applied = list(APPLIED)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        if watch_stdin:
            threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
        print(f"{READY} {endpoint}", flush=True)
        if not quiet:
            print(f"moto server on {endpoint} (region {region}); workarounds: "
                  f"{', '.join(applied)}", flush=True)
            print(f"  export AWS_ENDPOINT_URL={endpoint} AWS_DEFAULT_REGION={region} "
                  "AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing", flush=True)
            print("Ctrl-C stops it.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        finally:
            server.stop()
            if not quiet:
                print("emulator stopped", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="c360 AWS emulator (moto server + harness)")
    parser.add_argument("--port", type=int, default=0, help="0 = a free port")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--watch-stdin", action="store_true",
                        help="stop when stdin closes (used by the test fixture)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    serve(args.port, args.region, args.watch_stdin, args.quiet)


if __name__ == "__main__":
    main()
