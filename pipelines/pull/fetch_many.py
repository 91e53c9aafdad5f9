"""Many URL sources at once: a bounded pool of threads, and at most `per_host` requests to any one
host at a time, so a registry of a hundred product pages neither waits on them one by one nor
hammers one site."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def fetch_many(
    items: Sequence[T],
    host: Callable[[T], str],
    one: Callable[[T], R],
    parallel: int,
    per_host: int,
) -> list[R]:
    """`one(item)` for every item, results in the items' order; an exception `one` raises is
    raised here. Each call runs in a copy of the caller's context (Prefect's run context)."""
    limits = {host(item): threading.BoundedSemaphore(per_host) for item in items}

    def limited(item: T) -> R:
        with limits[host(item)]:
            return one(item)

    with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="fetch") as pool:
        futures = [pool.submit(contextvars.copy_context().run, limited, item) for item in items]
        return [future.result() for future in futures]
