"""Input checksums remembered by file status, so an unchanged corpus is not read again.

A file's sha256 is reused while its size, modification and change times and inode are the
ones it was hashed with; any of them changing means hashing again. As git does with its index, a
file modified within a second of being hashed is not remembered ("racily clean": a write in the
same tick would keep its mtime), so it is hashed again next time. The cache is one Parquet file,
written under a temporary name and renamed; a missing or unreadable one only costs the hashing.
It is held as a frame and matched to a listing by a join: at 100 000 files that is ~15 MB of
columns, where a dict of Python lists was ~60 MB the run kept until it ended.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import polars as pl

from pipelines.pull.fetch import sha256_file
from pipelines.pull.file_names import openable

RACY_NS = 1_000_000_000
# What a listing of files carries (pull.sources.list_files): the path and its status signature.
LISTING = pl.Schema(
    {
        "path": pl.String,
        "size": pl.Int64,
        "mtime_ns": pl.Int64,
        "ctime_ns": pl.Int64,
        "ino": pl.Int64,
    }
)
SIGNATURE = list(LISTING)
REMEMBERED = pl.Schema({**LISTING, "sha256": pl.String})


def read_checksums(listing: pl.DataFrame) -> pl.Series:
    """Every listed file hashed: what a pull without a cache does."""
    return pl.Series("sha256", [sha256_file(openable(p)) for p in listing["path"]], dtype=pl.String)


class StatCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._known = pl.read_parquet(path).cast(REMEMBERED).unique("path", keep="first")
        except (OSError, pl.exceptions.PolarsError):
            self._known = pl.DataFrame(schema=REMEMBERED)
        self._seen: list[pl.DataFrame] = []
        self.hashed = 0

    def checksums(self, listing: pl.DataFrame) -> pl.Series:
        """The sha256 of every file of `listing`, in its order: remembered where the path and its
        signature match, read where not."""
        now = time.time_ns()
        matched = listing.join(self._known, on=SIGNATURE, how="left", maintain_order="left")
        stale = matched.with_row_index("row").filter(pl.col("sha256").is_null())
        digests = matched["sha256"].scatter(stale["row"], read_checksums(stale))
        self.hashed += stale.height
        settled = pl.max_horizontal("mtime_ns", "ctime_ns") < now - RACY_NS
        self._seen.append(matched.select(*SIGNATURE, digests).filter(settled))
        return digests

    def save(self) -> None:
        """Keep the files seen in this pull only: a removed input leaves the cache with it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        seen = pl.concat([pl.DataFrame(schema=REMEMBERED), *self._seen])
        temporary = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex}.tmp")
        seen.unique("path", keep="first", maintain_order=True).write_parquet(temporary)
        os.replace(temporary, self.path)
