"""Damaged states a careless hand or a dying run can leave in warehouse/, found before a run builds
on them, each mended or worked around and said in one line: never a run that stops every later
one until a person steps in.

- `exports` that is a folder or a file rather than the link to the live release: set aside
  (`exports.replaced-<run>`), then pointed at the live release again;
- release folders newer than the live release: written by a run that died before switching
  `exports` to them, never live; removed, so they take no retention slot;
- a warehouse file of another warehouse (its run history knows neither the live release nor a
  release folder here): set aside and rebuilt, as an unreadable one is;
- the live release's files checked against its manifest (missing, or not the recorded bytes),
  remembering each file's status so an unchanged release is not read again: a damaged release
  is published again in full by the run (nothing is compared against its damaged files), then
  removed with any older release that shares a damaged file by hard link; the damaged files are
  noted first, so a run killed once the new release is live leaves the removal to the next run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from pathlib import Path

import duckdb
import polars as pl

from pipelines.pull.fetch import sha256_file
from pipelines.pull.stat_cache import LISTING, StatCache
from pipelines.store.layout import Layout, remove_folder, visible_folders, write_whole
from pipelines.store.load import connect
from pipelines.store.publish import MANIFEST


def mend_exports(layout: Layout, suffix: str) -> str | None:
    """`exports` is the link every run switches; anything else there is set aside."""
    exports = layout.exports
    if exports.is_symlink() or not os.path.lexists(exports):
        return None
    kept = exports.with_name(f"{exports.name}.replaced-{suffix}")
    exports.rename(kept)
    return (
        f"repaired: {exports} was a {'folder' if kept.is_dir() else 'file'}, not the link to the "
        f"live release; it is kept as {kept.name} and the link is made again"
    )


def remove_never_live(layout: Layout) -> str | None:
    """Remove the release folders newer than the live one (releases go live in the order they
    are written, under the lock): a run died between writing one and switching to it."""
    if not layout.releases.is_dir():
        return None
    live = layout.exports.resolve().name if layout.exports.exists() else ""
    doomed = [path for path in visible_folders(layout.releases) if path.name > live]
    for path in doomed:
        remove_folder(path)
    if not doomed:
        return None
    names = ", ".join(path.name for path in doomed[:3]) + (" …" if len(doomed) > 3 else "")
    return f"repaired: removed {len(doomed)} release folder(s) a failed run wrote and never made live ({names})"


def foreign(database: Path, layout: Layout) -> str | None:
    """Why the warehouse file belongs to another warehouse, or None: its run history names
    releases, and knows neither the live release nor any release folder here."""
    con = connect(database, read_only=True)
    try:
        recorded = {
            name
            for (name,) in con.sql(
                "SELECT release_id FROM meta.runs WHERE release_id IS NOT NULL"
            ).fetchall()
        }
    except duckdb.Error:
        return None  # unreadable: load.unreadable says so
    finally:
        con.close()
    if not recorded:
        return None
    live = layout.exports.resolve().name if layout.exports.exists() else None
    here = {path.name for path in visible_folders(layout.releases)}
    if live in recorded or (live is None and recorded & here):
        return None
    return (
        f"it is another warehouse's (its runs made {len(recorded)} release(s), "
        f"{'none of them the live release ' + live if live else 'none of them here'})"
    )


def damaged_files(release: Path, status: Path) -> dict[str, str]:
    """The live release's files (release-relative path → why) that are missing or do not hold
    the bytes its manifest records; checksums are remembered by file status (`status`), so only
    a file touched since is read."""
    try:
        manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
        entries = [*manifest["files"], *manifest.get("csv_files", [])]
    except (OSError, ValueError, KeyError) as exc:
        return {MANIFEST: f"{type(exc).__name__}: {exc}"}
    rows, problems = [], {}
    for entry in entries:
        path = release / entry["path"]
        try:
            file_status = os.stat(path)
        except OSError:
            problems[entry["path"]] = "missing"
            continue
        size = file_status.st_size
        if size != entry["bytes"]:
            problems[entry["path"]] = f"{size:,} bytes, not {entry['bytes']:,}"
            continue
        signature = (size, file_status.st_mtime_ns, file_status.st_ctime_ns, file_status.st_ino)
        rows.append((str(path), *signature, entry["sha256"], entry["path"]))
    listing = pl.DataFrame(
        rows, schema={**LISTING, "expected": pl.String, "file": pl.String}, orient="row"
    )
    known = StatCache(status)
    found = listing.with_columns(known.checksums(listing.select(LISTING.names())))
    known.save()
    mismatched = found.filter(pl.col("sha256") != pl.col("expected"))["file"].to_list()
    return problems | {name: "not the bytes its manifest records" for name in mismatched}


def note_damage(layout: Layout, damaged: Collection[str]) -> None:
    """Note the live release's damaged files before a run publishes in its place."""
    write_whole(layout.damaged_note, json.dumps(sorted(damaged)))


def drop_noted_damage(layout: Layout) -> str | None:
    """Remove the releases other than the live one that hold any file noted damaged, damaged
    too (the former live one, and older ones sharing a file with it by hard link), so no release
    folder a reader may open is partial; then the note. At the start of a run (what a killed run
    left) and once a run's release is live. One line, or None."""
    if not layout.damaged_note.exists():
        return None
    try:
        noted = json.loads(layout.damaged_note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        noted = []  # a note that cannot be read names nothing; the live release is checked anew
    doomed = []
    for release in visible_folders(layout.releases):
        if release.resolve() == layout.exports.resolve():
            continue
        try:
            manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        recorded = {e["path"]: e["sha256"] for e in [*manifest["files"], *manifest["csv_files"]]}
        if any(_broken(release / path, recorded[path]) for path in noted if path in recorded):
            doomed.append(release)
    for release in doomed:
        remove_folder(release)
    layout.damaged_note.unlink()
    if not doomed:
        return None
    names = ", ".join(release.name for release in doomed)
    return f"repaired: removed the release(s) that held the damaged files too ({names})"


def _broken(path: Path, sha256: str) -> bool:
    try:
        return sha256_file(path) != sha256
    except OSError:
        return True
