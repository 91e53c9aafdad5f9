"""The registry: what a [[source]] and the [fetch] table may say, and the error naming the file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from pipelines.pull.fetch import FetchSettings
from pipelines.pull.sources import PULLED, ConfigError, RegistryEntry, load_registry, pull, records

GUIDE = '[[source]]\nid = "web"\nkind = "guide"\nurl = "https://example.org/guide.html"\n'


def write(tmp_path: Path, text: str) -> Path:
    registry = tmp_path / "sources.toml"
    registry.write_text(text)
    return registry


def test_fetch_settings_default_and_a_source_may_lower_its_size_limit(tmp_path: Path) -> None:
    registry = load_registry(
        write(tmp_path, "[fetch]\nread_timeout = 5\nretries = 1\n\n" + GUIDE + "max_bytes = 1000\n")
    )
    (entry,) = registry.remote
    assert registry.local == []
    assert registry.fetch == FetchSettings(read_timeout=5, retries=1)
    assert registry.settings_for(entry).max_bytes == 1000
    assert registry.settings_for(entry).delays() == [2.0]
    assert FetchSettings().delays() == [2.0, 4.0, 8.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GUIDE.replace("https://", "file://"), "[[source]] #1 (web): url must start with http:// or https://"),
        (GUIDE + "max_bytes = 0\n", "(web): max_bytes must be a positive whole number"),
        ("[fetch]\ntimeout = 3\n" + GUIDE, "[fetch] takes only connect_timeout, read_timeout, max_bytes, retries, backoff_seconds, parallel, per_host; got ['timeout']"),
        ("[fetch]\nretries = 1.5\n" + GUIDE, "[fetch] retries must be a whole number, not 1.5"),
        ("[fetch]\nper_host = 0\n" + GUIDE, "[fetch] per_host must be at least 1, not 0"),
        ("[fetch]\nparallel = 2.5\n" + GUIDE, "[fetch] parallel must be a whole number, not 2.5"),
        ("[fetch]\nread_timeout = -1\n" + GUIDE, "[fetch] read_timeout must not be negative, not -1"),
        ("[fetch]\nbackoff_seconds = true\n" + GUIDE, "[fetch] backoff_seconds must be a number, not True"),
    ],
)  # fmt: skip
def test_a_bad_registry_is_a_config_error_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    registry = write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_registry(registry)
    assert str(raised.value).startswith(f"{registry}: ")
    assert message in str(raised.value)


def test_pull_lists_files_as_one_frame_with_checksums_pins_and_missing_entries(
    tmp_path: Path,
) -> None:
    (tmp_path / "guides" / "sub").mkdir(parents=True)
    (tmp_path / "guides" / "b.txt").write_bytes(b"bee\n")
    (tmp_path / "guides" / "sub" / "a.html").write_bytes(b"<p>a</p>\n")
    (tmp_path / "guides" / ".hidden.txt").write_bytes(b"skipped\n")
    (tmp_path / "vocab.csv").write_bytes(b"id\n")
    entries = [
        RegistryEntry("corpus", "guide", "guides/**/*.*", None, None),
        RegistryEntry("terms", "vocab", "vocab.csv", None, "0" * 64),
        RegistryEntry("gone", "references", "nowhere/*.ris", None, None),
    ]
    pulled, errors = pull(entries, tmp_path)
    assert pulled.schema == PULLED
    assert pulled.select("source_id", "registry_id", "kind", "file", "bytes", "origin").rows() == [
        ("corpus/b.txt", "corpus", "guide", "guides/b.txt", 4, "local"),
        ("corpus/a.html", "corpus", "guide", "guides/sub/a.html", 9, "local"),
    ]
    assert pulled["sha256"].to_list() == [
        hashlib.sha256(b"bee\n").hexdigest(),
        hashlib.sha256(b"<p>a</p>\n").hexdigest(),
    ]
    assert pulled["path"][0] == str(tmp_path / "guides" / "b.txt")
    assert [(e.source_id, e.file, e.error) for e in errors] == [
        ("terms", "vocab.csv", "checksum"),
        ("gone", "nowhere/*.ris", "missing"),
    ]
    [guide] = records(pulled.filter(pl.col("file") == "guides/b.txt"))
    assert (guide.path.read_bytes(), guide.name) == (b"bee\n", "b.txt")
