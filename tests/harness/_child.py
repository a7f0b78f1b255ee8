"""Child side of `runtime.run_python`; runs with `python -S -E` and only stdlib imports.

argv: mode (handler|script), the sys.path entries (os.pathsep-separated), the
target, the result file. stdin: the event (handler) or the JSON argv (script).
"""

import importlib
import json
import os
import runpy
import sys
import traceback
import uuid


class Context:
    """The attributes of Lambda's context object that handlers use."""

    def __init__(self) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = str(uuid.uuid4())
        self.invoked_function_arn = os.environ.get("C360_EMULATOR_FUNCTION_ARN", "")

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def main() -> int:
    mode, paths, target, result_file = sys.argv[1:5]
    sys.path[:0] = paths.split(os.pathsep)
    payload = sys.stdin.read()
    if mode == "script":
        sys.argv = [target, *json.loads(payload)]
        try:
            runpy.run_path(target, run_name="__main__")
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()
            return 1
        return 0
    module_name, _, function = target.rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), function)
        result = handler(json.loads(payload or "{}"), Context())
        out, code = json.dumps(result), 0
    except Exception as exc:
        traceback.print_exc()
        out = json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__,
                          "stackTrace": traceback.format_tb(exc.__traceback__)})
        code = 1
    with open(result_file, "w", encoding="utf-8") as fh:
        fh.write(out)
    return code


if __name__ == "__main__":
    sys.exit(main())
