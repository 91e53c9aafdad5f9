"""Input checksums remembered by file status, so an unchanged corpus is not read again.

A file's sha256 is reused while its size, modification and change times and inode are the
ones it was hashed with; any of them changing means hashing again. As git does with its index, a
file modified within a second of being hashed is not remembered ("racily clean": a write in the
same tick would keep its mtime), so it is hashed again next time. The cache is one JSON file,
written under a temporary name and renamed; a missing or unreadable one only costs the hashing.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path

from pipelines.pull.fetch import sha256_file

RACY_NS = 1_000_000_000


class StatCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._known: dict[str, list] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._known = {}
        self._seen: dict[str, list] = {}
        self.hashed = 0

    def sha256(self, path: Path, status: os.stat_result) -> str:
        """`status`: the caller's stat of `path`, so a file is stat-ed once per pull."""
        key = os.path.abspath(path)  # not resolve(): a realpath per file is seconds at 100 000
        signature = [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]
        known = self._known.get(key)
        if known is not None and known[:4] == signature:
            self._seen[key] = known
            return known[4]
        digest = sha256_file(path)
        self.hashed += 1
        if time.time_ns() - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_NS:
            self._seen[key] = [*signature, digest]
        return digest

    def save(self) -> None:
        """Keep the files seen in this pull only: a removed input leaves the cache with it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        temporary.write_text(json.dumps(self._seen, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)
