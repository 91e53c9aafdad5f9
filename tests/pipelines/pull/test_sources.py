"""The registry: what a [[source]] and the [fetch] table may say, and the error naming the file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl
import pytest

from pipelines.pull.fetch import FetchSettings
from pipelines.pull.sources import PULLED, ConfigError, RegistryEntry, load_registry, pull, records

LOCAL = '[[source]]\nid = "g"\nkind = "guide"\n{}\n'
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
        ("[fetch]\ntimeout = 3\n" + GUIDE, "[fetch] takes only connect_timeout, read_timeout, deadline, max_bytes, retries, backoff_seconds, parallel, per_host; got ['timeout']"),
        ("[fetch]\nretries = 1.5\n" + GUIDE, "[fetch] retries must be a whole number, not 1.5"),
        ("[fetch]\nper_host = 0\n" + GUIDE, "[fetch] per_host must be at least 1, not 0"),
        ("[fetch]\nparallel = 2.5\n" + GUIDE, "[fetch] parallel must be a whole number, not 2.5"),
        ("[fetch]\nread_timeout = -1\n" + GUIDE, "[fetch] read_timeout must not be negative, not -1"),
        ("[fetch]\nbackoff_seconds = true\n" + GUIDE, "[fetch] backoff_seconds must be a number, not True"),
        (LOCAL.format("path = 42"), "(g): path must be a string, not 42"),
        (LOCAL.format('path = "g.txt"\nsha256 = 12'), "(g): sha256 must be a string, not 12"),
        (LOCAL.format('path = "g.txt"\nsha256 = "abc"'), "(g): sha256 must be 64 hexadecimal digits, not 'abc'"),
        (LOCAL.format('paht = "g.txt"'), "(g): unknown key 'paht'; did you mean 'path'?"),
        (LOCAL.format('path = "g.txt"\nallow_outside = "yes"'), "(g): allow_outside must be true or false, not 'yes'"),
        (LOCAL.format('path = "../../../etc/passwd"'), "(g): path '../../../etc/passwd' leads outside the registry's folder"),
        (LOCAL.format('path = "/etc/passwd"'), "(g): path '/etc/passwd' leads outside the registry's folder"),
        (LOCAL.format('path = "guides/../../*"'), "set allow_outside = true on the entry to read it"),
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
        ("corpus/sub/a.html", "corpus", "guide", "guides/sub/a.html", 9, "local"),
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


def test_paths_stay_inside_the_registry_folder_unless_the_entry_allows_outside(
    tmp_path: Path,
) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    (project / "guides").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_bytes(b"root:x:0:0\n")
    (project / "guides" / "a.txt").write_bytes(b"a\n")
    (project / "guides" / "link.txt").symlink_to(elsewhere / "secret.txt")
    entry = RegistryEntry("guides", "guide", "guides/*", None, None)
    with pytest.raises(ConfigError) as raised:
        pull([entry], project)
    assert str(raised.value) == (
        f"[[source]] guides: guides/link.txt leads to {elsewhere / 'secret.txt'}, outside the "
        f"registry's folder {project}; set allow_outside = true on the entry to read it"
    )
    (project / "guides" / "link.txt").unlink()
    (project / "linked").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ConfigError, match=r"linked/secret\.txt leads to"):
        pull([RegistryEntry("linked", "guide", "linked/*.txt", None, None)], project)
    allowed = RegistryEntry("linked", "guide", "linked/*.txt", None, None, allow_outside=True)
    pulled, errors = pull([allowed], project)
    assert (pulled["file"].to_list(), errors) == (["linked/secret.txt"], [])
    outside = load_registry(
        write(project, LOCAL.format('path = "../elsewhere/*.txt"\nallow_outside = true'))
    )
    assert outside.entries[0].allow_outside is True
    inside = RegistryEntry("inner", "guide", "guides/../guides/a.txt", None, None)
    assert pull([inside], project)[0]["file"].to_list() == ["guides/a.txt"]


def test_pipes_folders_and_dangling_links_are_source_errors_with_their_reason(
    tmp_path: Path,
) -> None:
    (tmp_path / "guides" / "old").mkdir(parents=True)
    (tmp_path / "guides" / "a.txt").write_bytes(b"a\n")
    os.mkfifo(tmp_path / "guides" / "pipe.txt")
    (tmp_path / "guides" / "gone.txt").symlink_to(tmp_path / "guides" / "deleted.txt")
    pulled, errors = pull([RegistryEntry("guides", "guide", "guides/*", None, None)], tmp_path)
    assert pulled["file"].to_list() == ["guides/a.txt"]
    assert [(e.source_id, e.file, e.error, e.message) for e in errors] == [
        ("guides/gone.txt", "guides/gone.txt", "dangling_link",
         f"a link to {str(tmp_path / 'guides' / 'deleted.txt')!r}, which does not exist: not read"),
        ("guides/old", "guides/old", "not_a_file", "a folder, not a regular file: not read"),
        ("guides/pipe.txt", "guides/pipe.txt", "not_a_file", "a named pipe (FIFO), not a regular file: not read"),
    ]  # fmt: skip
    _, [device] = pull(
        [RegistryEntry("null", "guide", "/dev/null", None, None, allow_outside=True)], tmp_path
    )
    assert (device.error, device.message) == (
        "not_a_file",
        "a character device, not a regular file: not read",
    )
