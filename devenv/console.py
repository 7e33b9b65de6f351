"""Progress messages for the make targets: one style, flushed at once."""

import sys
import time


def say(message):
    print(f"==> {message}", flush=True)


def fail(message):
    print(f"\n!!! {message}\n", file=sys.stderr, flush=True)
    raise SystemExit(1)


class step:
    """`with step("Building X"):` prints the step and how long it took."""

    def __init__(self, message):
        self.message = message

    def __enter__(self):
        say(f"{self.message} ...")
        self.started = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            print(f"    done in {time.monotonic() - self.started:.1f}s", flush=True)
        return False
