"""Where things live under warehouse/, and the lock that keeps to one writing run at a time."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pipelines.runtime import failpoints

# Warehouse roots whose lock this process holds.
_HELD: set[Path] = set()


class WarehouseLocked(Exception):
    """Another run holds the warehouse."""


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "evidence.duckdb"

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def shards(self) -> Path:
        return self.root / "cache" / "shards"

    @property
    def input_status(self) -> Path:
        """Checksums of the local inputs by file status (pipelines.pull.stat_cache.StatCache)."""
        return self.root / "cache" / "inputs.parquet"

    @property
    def release_status(self) -> Path:
        """Checksums of the live release's files by file status (store.repair.damaged_files)."""
        return self.root / "cache" / "release.parquet"

    @property
    def damaged_note(self) -> Path:
        """The damaged files of the live release a run is replacing (store.repair.note_damage),
        for the next run should this one die before it removes the releases that hold them."""
        return self.root / "cache" / "damaged-files.json"

    @property
    def landing(self) -> Path:
        """The landing cache of fetched URLs (pipelines.pull.fetch.LandingCache)."""
        return self.root / "cache" / "landing"

    def building(self, run_id: str) -> Path:
        """Where a run builds its warehouse before renaming it over the live one."""
        return self.root / f".{self.database.name}.{run_id}.building"

    def remove_leftovers(self) -> list[Path]:
        """What runs that died left behind: half-built warehouses (and their WAL), release and
        shard staging folders, releases and shards half pruned, a symlink not yet renamed into place,
        partial downloads, report files and the input checksums not yet renamed (or in their old
        JSON form).
        Only ever called while holding the lock."""
        leftovers = sorted(
            [
                *self.root.glob(f"{self.building('*').name}*"),
                *self.releases.glob(".*"),
                *self.shards.glob(".*"),
                *self.root.glob(f".{self.exports.name}.tmp"),
                *self.landing.glob("tmp/*"),
                *self.landing.glob("index/.*.tmp"),
                *self.reports.glob(".*.tmp"),
                *self.input_status.parent.glob(f".{self.input_status.name}.*.tmp"),
                *self.release_status.parent.glob(f".{self.release_status.name}.*.tmp"),
                *self.damaged_note.parent.glob(f".{self.damaged_note.name}.tmp"),
                *self.input_status.parent.glob("inputs.json"),  # the checksums' format until 2.0
            ]
        )
        for path in leftovers:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        return leftovers

    def create(self) -> None:
        for folder in (self.root, self.releases, self.reports, self.shards):
            folder.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """An exclusive flock: released by the kernel when the holder dies, so a lock left by a
        killed run is simply taken over. Re-entrant within the process that holds it: the CLI
        takes it before anything else, and the flow it then runs finds it already held."""
        if self.root in _HELD:
            yield
            return
        self.create()
        handle = self._lock_file.open("a+")
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise WarehouseLocked(self._locked_by(handle)) from exc
            handle.truncate(0)
            handle.write(f"pid {os.getpid()}")
            handle.flush()
            _HELD.add(self.root)
            try:
                yield
            finally:
                _HELD.discard(self.root)
        finally:
            handle.close()

    @property
    def _lock_file(self) -> Path:
        return self.root / ".lock"

    def _locked_by(self, handle: IO[str]) -> str:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        return f"{self.root} is being built by {holder}; wait for that run to finish (a killed run's lock is taken over automatically)"


def visible_folders(root: Path) -> list[Path]:
    """The folders under `root` in name order, without the hidden ones (staging, deleting)."""
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def remove_folder(path: Path, failpoint: str | None = None) -> None:
    """Rename the folder away (hidden), then delete it: a kill mid-delete never leaves a half
    folder under its name (a shard whose marker outlived its files, a release missing files);
    the next run's remove_leftovers takes the hidden rest."""
    hidden = path.with_name(f".{path.name}.deleting")
    path.rename(hidden)
    if failpoint is not None:
        failpoints.reached(failpoint)
    shutil.rmtree(hidden, ignore_errors=True)


def write_whole(path: Path, text: str) -> Path:
    """Written under a hidden temporary name and renamed: a reader sees the old file or the new,
    never half of one (Layout.remove_leftovers removes what a kill leaves)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path
