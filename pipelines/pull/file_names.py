"""File names that are not UTF-8, kept openable and shown safely.

Python hands such a name over with each undecodable byte as a lone surrogate (PEP 383), which no
Parquet or DuckDB string may hold. A path is stored with those bytes moved to private-use code
points U+F780 to U+F7FF (`storable`), which `openable` moves back to open the file; a name is shown
with them as `\\xNN` (`shown`), the form Python prints for bytes.
"""

from __future__ import annotations

from pathlib import Path

_SURROGATE, _PRIVATE = 0xDC80, 0xF780
_TO_PRIVATE = {_SURROGATE + byte: _PRIVATE + byte for byte in range(128)}
_FROM_PRIVATE = {value: key for key, value in _TO_PRIVATE.items()}


def storable(path: str) -> str:
    """A path as valid UTF-8 text that `openable` turns back into the same file."""
    return path if _is_text(path) else path.translate(_TO_PRIVATE)


def openable(path: str) -> Path:
    """The Path to open for a stored path."""
    return Path(path if path.isascii() else path.translate(_FROM_PRIVATE))


def shown(name: str) -> str:
    """A name as messages, ids and the warehouse show it: undecodable bytes as \\xNN."""
    if _is_text(name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
