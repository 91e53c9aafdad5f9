"""The disk refusing a write: a full device, a quota, a read-only or forbidden folder. Told in one
line naming the place, whether the error came as an OSError or as a DuckDB error's text."""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

# errno → what the operating system says, as DuckDB prints it in its own errors.
REFUSALS = {
    errno.ENOSPC: "No space left on device",
    errno.EDQUOT: "Disk quota exceeded",
    errno.EROFS: "Read-only file system",
    errno.EACCES: "Permission denied",
    errno.EPERM: "Operation not permitted",
}
_QUOTED_PATH = re.compile(r'"(/[^"]+)"')
# A run writes a new warehouse beside the live one: at least this much, whatever its size.
FLOOR_BYTES = 16 * 2**20


@dataclass(frozen=True)
class Refusal:
    code: int
    path: str | None

    @property
    def full(self) -> bool:
        return self.code in (errno.ENOSPC, errno.EDQUOT)


def refusal(exc: BaseException) -> Refusal | None:
    """The disk refusal behind `exc` or any exception it was raised from; None for any other."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in REFUSALS:
            return Refusal(current.errno, current.filename and str(current.filename))
        text = str(current)
        for code, words in REFUSALS.items():
            if words in text:
                quoted = _QUOTED_PATH.search(text)
                return Refusal(code, quoted.group(1) if quoted else None)
        current = current.__cause__ or current.__context__
    return None


def space_needed(folder: Path) -> int:
    """About what a run in `folder` writes: as much again as the folder holds (a new warehouse
    file beside the live one, a release, shards), and never less than FLOOR_BYTES."""
    held = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                held += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return max(held, FLOOR_BYTES)


def explain(found: Refusal, folder: Path) -> str:
    """The one line a person can act on."""
    where = found.path or str(folder)
    if found.full:
        need = space_needed(folder) / 2**20
        return (
            f"{where}: {REFUSALS[found.code].lower()}: a run in {folder} needs about "
            f"{need:,.0f} MB free; free some space or give --warehouse a folder on another disk "
            "(the live warehouse and release are as they were)"
        )
    return (
        f"{where}: {REFUSALS[found.code].lower()}: the warehouse folder {folder} must be "
        "writable by a run (query, report and changes only read it)"
    )
