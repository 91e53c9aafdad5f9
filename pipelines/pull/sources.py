"""The sources registry (raw/sources.toml) and the pull stage that records every file read."""

from __future__ import annotations

import difflib
import glob
import itertools
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Protocol
from urllib.parse import urlsplit

import polars as pl

from pipelines.pull.fetch import FetchSettings, Landed, sha256_file
from pipelines.pull.file_names import openable, shown, storable
from pipelines.pull.stat_cache import LISTING, read_checksums

KINDS = ("guide", "references", "estimates", "vocab")


class ConfigError(Exception):
    """The registry itself is unusable: the run cannot start."""


@dataclass(frozen=True)
class RegistryEntry:
    id: str
    kind: str
    path: str | None
    url: str | None
    sha256: str | None
    max_bytes: int | None = None
    allow_outside: bool = False  # may read files outside the registry's folder


@dataclass(frozen=True)
class Registry:
    entries: list[RegistryEntry]
    fetch: FetchSettings

    @property
    def local(self) -> list[RegistryEntry]:
        return [entry for entry in self.entries if entry.url is None]

    @property
    def remote(self) -> list[RegistryEntry]:
        return [entry for entry in self.entries if entry.url is not None]

    def settings_for(self, entry: RegistryEntry) -> FetchSettings:
        if entry.max_bytes is None:
            return self.fetch
        return FetchSettings(**{**asdict(self.fetch), "max_bytes": entry.max_bytes})


@dataclass(frozen=True)
class PulledFile:
    source_id: str
    registry_id: str
    kind: str
    path: Path
    file: str
    bytes: int
    sha256: str
    pulled_at: datetime
    origin: str = "local"

    @property
    def name(self) -> str:
        """The file's name, also for a URL (whose bytes sit in the cache under their checksum)."""
        return (
            PurePosixPath(urlsplit(self.file).path).name if "://" in self.file else self.path.name
        )


# Many pulled files travel as one frame of PulledFile's fields (the path as text): at 100 000
# files ~25 MB of columns where the objects took ~100 MB; `records` makes objects of a few.
_DTYPES = {
    "str": pl.String,
    "Path": pl.String,
    "int": pl.Int64,
    "datetime": pl.Datetime("us", "UTC"),
}
PULLED = pl.Schema({f.name: _DTYPES[str(f.type)] for f in fields(PulledFile)})


def pulled_frame(files: Iterable[PulledFile]) -> pl.DataFrame:
    return pl.DataFrame(
        [{**asdict(p), "path": str(p.path)} for p in files],
        schema=PULLED,
    )


def records(frame: pl.DataFrame) -> list[PulledFile]:
    return [
        PulledFile(**{**row, "path": openable(row["path"])}) for row in frame.iter_rows(named=True)
    ]


def of_kind(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    return frame.filter(pl.col("kind") == kind)


class Problem(Protocol):
    """What a reader reports (read.errors' FileError or ParseIssue); pull reads before any reader,
    so it names the shape rather than importing them."""

    @property
    def line_no(self) -> int | None: ...

    @property
    def error(self) -> str: ...

    @property
    def message(self) -> str: ...


@dataclass(frozen=True)
class SourceError:
    source_id: str
    file: str | None
    line_no: int | None
    error: str
    message: str

    @classmethod
    def of(cls, pulled: PulledFile, problem: Problem) -> SourceError:
        """The quality.source_errors row for a file that failed, or a part of it."""
        return cls(pulled.source_id, pulled.file, problem.line_no, problem.error, problem.message)


def load_registry(registry: Path) -> Registry:
    """Read and check the registry; every problem is a ConfigError naming the file."""
    try:
        document = tomllib.loads(registry.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{registry}: sources registry not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{registry}: not valid TOML: {exc}") from exc
    entries = [_entry(registry, n, raw) for n, raw in enumerate(document.get("source", []), 1)]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise ConfigError(f"{registry}: source id {entry.id!r} is used twice")
        seen.add(entry.id)
    return Registry(entries, _fetch_settings(registry, document.get("fetch", {})))


def pull(
    entries: list[RegistryEntry],
    registry_dir: Path,
    checksums: Callable[[pl.DataFrame], pl.Series] = read_checksums,
) -> tuple[pl.DataFrame, list[SourceError]]:
    """Resolve local entries to files (a PULLED frame), hash them (`checksums`: a StatCache's
    remembers) and verify pins; failures are recorded, not raised."""
    frames = [pl.DataFrame(schema=PULLED)]
    errors: list[SourceError] = []
    for entry in entries:
        listing, skipped = list_files(entry, registry_dir)
        errors += [
            SourceError(_source_id(entry, file), file, None, error, message)
            for file, error, message in skipped
        ]
        if listing.is_empty() and not skipped:
            errors.append(
                SourceError(
                    entry.id,
                    entry.path,
                    None,
                    "missing",
                    f"{entry.path!r} matches no file under {registry_dir}",
                )
            )
            continue
        files = listing.select(
            source_id=pl.concat_str(pl.lit(f"{entry.id}/"), _under_base(entry.path or ""))
            if _is_glob(entry.path or "")
            else pl.lit(entry.id),
            registry_id=pl.lit(entry.id),
            kind=pl.lit(entry.kind),
            path="path",
            file="file",
            bytes="size",
            sha256=checksums(listing),
            pulled_at=pl.lit(datetime.now(UTC)),
            origin=pl.lit("local"),
        ).cast(PULLED)
        if entry.sha256:
            pin = entry.sha256.lower()
            errors += [
                SourceError(
                    row["source_id"],
                    row["file"],
                    None,
                    "checksum",
                    f"sha256 is {row['sha256']}, the registry pins {entry.sha256}; update the pin or restore the file",
                )
                for row in files.filter(pl.col("sha256") != pin).iter_rows(named=True)
            ]
            files = files.filter(pl.col("sha256") == pin)
        frames.append(files)
    return pl.concat(frames), errors


def landed_file(entry: RegistryEntry, landed: Landed) -> PulledFile:
    """What meta.pulled_files records for a URL: its bytes live in the landing cache."""
    return PulledFile(
        source_id=entry.id,
        registry_id=entry.id,
        kind=entry.kind,
        path=landed.path,
        file=landed.url,
        bytes=landed.bytes,
        sha256=landed.sha256,
        pulled_at=datetime.now(UTC),
        origin=landed.origin,
    )


def describe_file(
    path: Path,
    *,
    source_id: str,
    registry_id: str,
    kind: str,
    file: str,
) -> PulledFile:
    """Size, checksum and read time of one input file: what meta.pulled_files records."""
    return PulledFile(
        source_id=source_id,
        registry_id=registry_id,
        kind=kind,
        path=path.absolute(),  # not resolve(): a realpath per file is seconds at 100 000
        file=file,
        bytes=path.stat().st_size,
        sha256=sha256_file(path),
        pulled_at=datetime.now(UTC),
    )


ENTRY_KEYS = {
    "id": str,
    "kind": str,
    "path": str,
    "url": str,
    "sha256": str,
    "max_bytes": int,
    "allow_outside": bool,
}
_TYPE_WORDS = {str: "a string", int: "a whole number", bool: "true or false"}


def _entry(registry: Path, number: int, raw: object) -> RegistryEntry:
    where = f"{registry}: [[source]] #{number}"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise ConfigError(f"{where}: needs a non-empty string 'id'")
    where = f"{where} ({raw['id']})"
    for key in sorted(set(raw) - set(ENTRY_KEYS)):
        close = difflib.get_close_matches(key, ENTRY_KEYS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"{where}: unknown key {key!r}{hint} (keys: {', '.join(ENTRY_KEYS)})")
    for key, value in raw.items():
        wanted = ENTRY_KEYS[key]
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            raise ConfigError(f"{where}: {key} must be {_TYPE_WORDS[wanted]}, not {value!r}")
    if raw.get("kind") not in KINDS:
        raise ConfigError(
            f"{where}: kind must be one of {', '.join(KINDS)}, not {raw.get('kind')!r}"
        )
    if ("path" in raw) == ("url" in raw):
        raise ConfigError(f"{where}: give exactly one of 'path' or 'url'")
    url, path = raw.get("url"), raw.get("path")
    if url is not None and urlsplit(url).scheme not in ("http", "https"):
        raise ConfigError(f"{where}: url must start with http:// or https://")
    outside = raw.get("allow_outside", False)
    if path is not None and not outside and _leaves_folder(path):
        raise ConfigError(
            f"{where}: path {path!r} leads outside the registry's folder {registry.parent}; "
            "set allow_outside = true on the entry to read it"
        )
    sha256 = raw.get("sha256")
    if sha256 is not None and not _SHA256.fullmatch(sha256):
        raise ConfigError(f"{where}: sha256 must be 64 hexadecimal digits, not {sha256!r}")
    max_bytes = raw.get("max_bytes")
    if max_bytes is not None and max_bytes <= 0:
        raise ConfigError(f"{where}: max_bytes must be a positive whole number")
    return RegistryEntry(raw["id"], raw["kind"], path, url, sha256, max_bytes, outside)


_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


def _leaves_folder(path: str) -> bool:
    normal = os.path.normpath(path)
    return os.path.isabs(path) or normal == ".." or normal.startswith(f"..{os.sep}")


def _fetch_settings(registry: Path, raw: object) -> FetchSettings:
    """The [fetch] table: timeouts, size limit, retries and parallelism for every url entry."""
    defaults = asdict(FetchSettings())
    if not isinstance(raw, dict) or set(raw) - set(defaults):
        raise ConfigError(
            f"{registry}: [fetch] takes only {', '.join(defaults)}; got {sorted(raw) if isinstance(raw, dict) else raw!r}"
        )
    for key, value in raw.items():
        whole = key in ("retries", "max_bytes", "parallel", "per_host")
        if isinstance(value, bool) or not isinstance(value, int if whole else int | float):
            kind = "a whole number" if whole else "a number"
            raise ConfigError(f"{registry}: [fetch] {key} must be {kind}, not {value!r}")
        if value < 0:
            raise ConfigError(f"{registry}: [fetch] {key} must not be negative, not {value!r}")
        if key in ("parallel", "per_host") and value < 1:
            raise ConfigError(f"{registry}: [fetch] {key} must be at least 1, not {value!r}")
    return FetchSettings(**{**defaults, **raw})


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


# Files stat-ed per chunk of a listing: the Python objects of a glob of 100 000 files never live
# at once, only their columns.
LISTING_CHUNK = 10_000
_LISTED = pl.Schema({"file": pl.String, **LISTING})


Skipped = tuple[str, str, str]  # file, error, message: what a listing names but cannot read


def list_files(entry: RegistryEntry, registry_dir: Path) -> tuple[pl.DataFrame, list[Skipped]]:
    """The regular files an entry names, sorted: `file` relative to the registry (POSIX) and the
    LISTING columns (absolute path, status signature), and what it names but cannot read
    (directories, pipes, devices, dangling links). Strings, not Path objects (glob, not
    Path.glob): a fifth of the time at 100 000 files; wildcards skip hidden files and folders.
    A file reached through a link outside the registry's folder is a ConfigError unless the
    entry allows it."""
    pattern = entry.path or ""
    if _is_glob(pattern):
        names = glob.iglob(pattern, root_dir=registry_dir, recursive=True)
    else:
        names = iter([os.path.normpath(pattern)])
    folder = _Folder(os.path.abspath(registry_dir), entry)
    chunks = [pl.DataFrame(schema=_LISTED)]
    while chunk := list(itertools.islice(names, LISTING_CHUNK)):
        chunks.append(folder.stat_files(chunk))
    listing, repeated = _once(pl.concat(chunks).sort("file"))
    return listing, sorted([*folder.skipped, *repeated])


def _once(listing: pl.DataFrame) -> tuple[pl.DataFrame, list[Skipped]]:
    """Each file once, under its shortest name: links to one file, or a link loop that a
    recursive glob walks down again and again, would read it many times as as many documents."""
    same = ["ino", "size", "mtime_ns"]
    repeated = pl.struct(same).is_duplicated()
    if not listing.select(repeated.any()).item():
        return listing, []
    depth = pl.col("file").str.count_matches("/")
    listing = listing.sort(depth, "file")
    named = []
    for _, names in listing.filter(repeated).group_by(same, maintain_order=True):
        first, *others = names["file"].to_list()
        example = others[0] + (", …" if len(others) > 1 else "")
        message = (
            f"reached again as {len(others)} other path(s) ({example}): links to one file, or "
            "a link loop; read once"
        )
        named.append((first, "same_file", message))
    return listing.unique(same, keep="first").sort("file"), named


def _source_id(entry: RegistryEntry, file: str) -> str:
    """A document's id: the entry id, and for a glob the file's path under the glob's folder (its
    name for 'guides/*'; 'a/x.txt' and 'b/x.txt' for 'guides/**/*.txt'), so two files never share
    one."""
    if not _is_glob(entry.path or ""):
        return entry.id
    base = _glob_base(entry.path or "")
    return f"{entry.id}/{file[len(base) :] if base and file.startswith(base) else file}"


def _glob_base(pattern: str) -> str:
    """The folders a glob names before its first wildcard, as written (glob keeps them so in the
    names it gives), with a trailing '/' ('' for none)."""
    parts = pattern.split("/")
    fixed = list(itertools.takewhile(lambda part: not _is_glob(part), parts[:-1]))
    return "".join(f"{part}/" for part in fixed)


def _under_base(pattern: str) -> pl.Expr:
    """The `file` column without the glob's folder: what `_source_id` appends, as an expression."""
    base = _glob_base(pattern)
    return pl.col("file").str.strip_prefix(base) if base else pl.col("file")


_NOT_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class _Folder:
    """Stats the files of one entry under the registry's folder. One lstat per file; a real path
    only for a link and once per folder, so the confinement check costs no extra system call on a
    plain corpus (a realpath per file is seconds at 100 000)."""

    def __init__(self, root: str, entry: RegistryEntry) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.entry = entry
        self.skipped: list[Skipped] = []
        self._inside: dict[str, bool] = {}

    def stat_files(self, names: list[str]) -> pl.DataFrame:
        rows = []
        for name in names:
            path = os.path.join(self.root, name)
            try:
                status = os.lstat(path)
            except OSError:
                continue  # gone since the glob listed it, or never there: "matches no file"
            linked = stat.S_ISLNK(status.st_mode)
            if linked or not self._folder_inside(os.path.dirname(path)):
                self._confine(name, path)
                try:
                    status = os.stat(path)
                except OSError as exc:
                    self.skipped.append(_unreachable(shown(name), path, linked, exc))
                    continue
            if stat.S_ISREG(status.st_mode):
                signature = (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
                rows.append((shown(name), storable(os.path.normpath(path)), *signature))
                continue
            what = next(
                (word for test, word in _NOT_FILES if test(status.st_mode)), "another kind of file"
            )
            self.skipped.append(
                (shown(name), "not_a_file", f"{what}, not a regular file: not read")
            )
        return pl.DataFrame(rows, schema=_LISTED, orient="row")

    def _folder_inside(self, folder: str) -> bool:
        if folder not in self._inside:
            self._inside[folder] = self._within(os.path.realpath(folder))
        return self._inside[folder]

    def _within(self, real: str) -> bool:
        return real == self.real_root or real.startswith(self.real_root + os.sep)

    def _confine(self, name: str, path: str) -> None:
        real = os.path.realpath(path)
        if self.entry.allow_outside or self._within(real):
            return
        raise ConfigError(
            f"[[source]] {self.entry.id}: {shown(name)} leads to {shown(real)}, outside the "
            f"registry's folder {shown(self.root)}; set allow_outside = true on the entry to read it"
        )


def _unreachable(name: str, path: str, linked: bool, exc: OSError) -> Skipped:
    if not linked:
        return name, "unreadable", f"cannot be read: {exc.strerror}"
    gone = (
        "does not exist"
        if isinstance(exc, FileNotFoundError)
        else f"cannot be read ({exc.strerror})"
    )
    return name, "dangling_link", f"a link to {shown(os.readlink(path))!r}, which {gone}: not read"
