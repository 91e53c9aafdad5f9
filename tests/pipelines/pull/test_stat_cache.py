"""Checksums remembered by file status: reused while size, times and inode hold, recomputed when
any changes, never remembered for a file written within the last second."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from pipelines.pull.sources import RegistryEntry, list_files
from pipelines.pull.stat_cache import StatCache


def _aged(path: Path, text: str, seconds_ago: float = 60) -> Path:
    path.write_text(text)
    moment = time.time() - seconds_ago
    os.utime(path, (moment, moment))
    return path


def _checksums(cache: StatCache, folder: Path, pattern: str) -> list[str]:
    entry = RegistryEntry("t", "guide", pattern, None, None)
    return cache.checksums(list_files(entry, folder)[0]).to_list()


def test_an_unchanged_file_is_not_read_again_and_a_changed_one_is(tmp_path: Path) -> None:
    store = tmp_path / "cache" / "inputs.parquet"
    guide = _aged(tmp_path / "guide.txt", "first\n")
    time.sleep(1.1)  # the write's change time must be older than the racy second
    first = StatCache(store)
    assert _checksums(first, tmp_path, "guide.txt") == [hashlib.sha256(b"first\n").hexdigest()]
    first.save()
    again = StatCache(store)
    assert _checksums(again, tmp_path, "guide.txt") == [hashlib.sha256(b"first\n").hexdigest()]
    assert (first.hashed, again.hashed) == (1, 0)

    stamp = guide.stat().st_mtime_ns
    guide.write_text("other\n")  # same size, mtime put back: the change time still moves
    os.utime(guide, ns=(stamp, stamp))
    changed = StatCache(store)
    assert _checksums(changed, tmp_path, "guide.txt") == [hashlib.sha256(b"other\n").hexdigest()]
    assert changed.hashed == 1


def test_a_file_written_just_now_is_hashed_again_next_time(tmp_path: Path) -> None:
    store = tmp_path / "cache" / "inputs.parquet"
    (tmp_path / "guide.txt").write_text("fresh\n")
    first = StatCache(store)
    _checksums(first, tmp_path, "guide.txt")
    first.save()
    second = StatCache(store)
    _checksums(second, tmp_path, "guide.txt")
    assert (first.hashed, second.hashed) == (1, 1)


def test_only_the_files_of_the_last_pull_are_kept_and_a_broken_cache_costs_only_hashing(
    tmp_path: Path,
) -> None:
    store = tmp_path / "cache" / "inputs.parquet"
    _aged(tmp_path / "a.txt", "a\n"), _aged(tmp_path / "b.txt", "b\n")
    time.sleep(1.1)
    both = StatCache(store)
    digests = _checksums(both, tmp_path, "*.txt")
    assert digests == [hashlib.sha256(b"a\n").hexdigest(), hashlib.sha256(b"b\n").hexdigest()]
    _checksums(both, tmp_path, "a.txt")  # listed twice, remembered once
    both.save()
    one = StatCache(store)
    _checksums(one, tmp_path, "a.txt")
    one.save()
    again = StatCache(store)
    assert _checksums(again, tmp_path, "*.txt")[0] == hashlib.sha256(b"a\n").hexdigest()
    assert (one.hashed, again.hashed) == (0, 1)  # b.txt left the cache with the pull that lacked it
    store.write_bytes(b"not parquet")
    broken = StatCache(store)
    assert _checksums(broken, tmp_path, "a.txt") == [hashlib.sha256(b"a\n").hexdigest()]
    assert broken.hashed == 1
