"""Release parts: a published dataset is one Parquet file (and one CSV file) per shard that holds
rows of it, named by the shard's place in the build and its content key. The same name means the
same rows, so a release takes every part the previous release already has by hard link and
writes only the parts of the shards that changed.

Datasets no shard holds (quality.checks, meta.release_changes) are derived from the whole
warehouse by each run: they have one part, `part-run`, written every time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from pipelines.store.load import Shard
from schemas import DATASETS, Dataset

RUN_PART = "part-run"


@dataclass(frozen=True)
class Part:
    dataset: Dataset
    name: str
    # The shard's file of the dataset; None: the warehouse table (a dataset the run derives).
    source: Path | None

    @property
    def from_shard(self) -> bool:
        """Whether the part is a shard's: then the same name in two releases is the same bytes."""
        return self.source is not None

    def path(self, suffix: str) -> str:
        """Release-relative path: core/findings/part-00004-<shard>.parquet."""
        return f"{self.dataset.schema}/{self.dataset.table}/{self.name}.{suffix}"


def release_parts(shards: list[Shard]) -> Iterator[Part]:
    """Every published dataset's parts, in dataset then shard order. Parts without rows are left
    out, unless the dataset has none with rows: then its first, empty, part still publishes the
    dataset's columns."""
    for dataset in (d for d in DATASETS if d.published):
        parts = [
            Part(dataset, f"part-{position:05d}-{shard.directory.name}", file)
            for position, shard in enumerate(shards)
            if (file := shard.directory / f"{dataset.name}.parquet").exists()
        ]
        if not parts:
            yield Part(dataset, RUN_PART, None)
            continue
        with_rows = [part for part in parts if pq.read_metadata(part.source).num_rows]
        yield from with_rows or parts[:1]
