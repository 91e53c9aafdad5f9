"""Work begun in a daemon thread, for a caller that must keep the main thread free: to run a
signal handler (Python runs one only between the main thread's bytecodes) or to give up after a
deadline (a daemon thread never holds the process at exit)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")


def started(
    work: Callable[[], Result], name: str
) -> tuple[threading.Thread, list[Result | BaseException]]:
    """The running thread, and the list that holds `work`'s result or exception once it ends."""
    outcome: list[Result | BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread, outcome
