"""Stage and batch progress events, so the CLI can draw a bar without the flow knowing about terminals."""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, int, int], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    _listeners.remove(listener)


def emit(stage: str, done: int, total: int) -> None:
    for listener in list(_listeners):
        listener(stage, done, total)
