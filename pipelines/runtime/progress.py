"""Stage and batch progress events, so the CLI can draw bars and print stage lines without the
flow knowing about terminals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    """`done` of `total` units of a stage; `seconds` is set once the stage has finished."""

    stage: str
    done: int
    total: int
    seconds: float | None = None
    detail: str = ""


Listener = Callable[[Event], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    _listeners.remove(listener)


def emit(stage: str, done: int, total: int) -> None:
    _send(Event(stage, done, total))


def finished(stage: str, seconds: float, detail: str) -> None:
    _send(Event(stage, 1, 1, seconds, detail))


def _send(event: Event) -> None:
    for listener in list(_listeners):
        listener(event)
