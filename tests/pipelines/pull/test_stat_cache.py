"""Checksums remembered by file status: reused while size, times and inode hold, recomputed when
any changes, never remembered for a file written within the last second."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from pipelines.pull.stat_cache import StatCache


def _aged(path: Path, text: str, seconds_ago: float = 60) -> Path:
    path.write_text(text)
    moment = time.time() - seconds_ago
    os.utime(path, (moment, moment))
    return path


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(tmp_path: Path) -> None:
    store = tmp_path / "inputs.json"
    guide = _aged(tmp_path / "guide.txt", "first\n")
    time.sleep(1.1)  # the write's change time must be older than the racy second
    first = StatCache(store)
    assert first.sha256(guide, guide.stat()) == hashlib.sha256(b"first\n").hexdigest()
    first.save()
    again = StatCache(store)
    assert again.sha256(guide, guide.stat()) == hashlib.sha256(b"first\n").hexdigest()
    assert (first.hashed, again.hashed) == (1, 0)

    stamp = guide.stat().st_mtime_ns
    guide.write_text("other\n")  # same size, mtime put back: the change time still moves
    os.utime(guide, ns=(stamp, stamp))
    changed = StatCache(store)
    assert changed.sha256(guide, guide.stat()) == hashlib.sha256(b"other\n").hexdigest()
    assert changed.hashed == 1


def test_a_file_written_just_now_is_hashed_again_next_time(tmp_path: Path) -> None:
    store = tmp_path / "inputs.json"
    guide = tmp_path / "guide.txt"
    guide.write_text("fresh\n")
    first = StatCache(store)
    first.sha256(guide, guide.stat())
    first.save()
    second = StatCache(store)
    second.sha256(guide, guide.stat())
    assert (first.hashed, second.hashed) == (1, 1)


def test_only_the_files_of_the_last_pull_are_kept_and_a_broken_cache_costs_only_hashing(
    tmp_path: Path,
) -> None:
    store = tmp_path / "inputs.json"
    kept, gone = _aged(tmp_path / "a.txt", "a\n"), _aged(tmp_path / "b.txt", "b\n")
    time.sleep(1.1)
    both = StatCache(store)
    both.sha256(kept, kept.stat()), both.sha256(gone, gone.stat())
    both.save()
    one = StatCache(store)
    one.sha256(kept, kept.stat())
    one.save()
    assert list(StatCache(store)._known) == [str(kept.absolute())]
    store.write_text("{not json")
    broken = StatCache(store)
    assert (
        broken.sha256(kept, kept.stat()) == hashlib.sha256(b"a\n").hexdigest()
        and broken.hashed == 1
    )
