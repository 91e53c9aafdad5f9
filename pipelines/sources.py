"""The sources registry (raw/sources.toml) and the pull stage that records every file read."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines.errors import FileError, ParseIssue

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


@dataclass(frozen=True)
class SourceError:
    source_id: str
    file: str | None
    line_no: int | None
    error: str
    message: str

    @classmethod
    def of(cls, pulled: PulledFile, problem: FileError | ParseIssue) -> SourceError:
        """The quality.source_errors row for a file that failed, or a part of it."""
        message = problem.message if isinstance(problem, ParseIssue) else str(problem)
        return cls(pulled.source_id, pulled.file, problem.line_no, problem.error, message)


def load_registry(registry: Path) -> list[RegistryEntry]:
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
    return entries


def pull(
    entries: list[RegistryEntry], registry_dir: Path
) -> tuple[list[PulledFile], list[SourceError]]:
    """Resolve every entry to files, hash them and verify pins; failures are recorded, not raised."""
    pulled: list[PulledFile] = []
    errors: list[SourceError] = []
    for entry in entries:
        if entry.url is not None:
            errors.append(
                SourceError(
                    entry.id,
                    entry.url,
                    None,
                    "unsupported",
                    "remote (http) sources are not supported yet; download the file into raw/ and register its path",
                )
            )
            continue
        paths = _expand(entry, registry_dir)
        if not paths:
            errors.append(
                SourceError(
                    entry.id,
                    entry.path,
                    None,
                    "missing",
                    f"{entry.path!r} matches no file under {registry_dir}",
                )
            )
        for path in paths:
            source_id = f"{entry.id}/{path.name}" if _is_glob(entry.path or "") else entry.id
            file = path.relative_to(registry_dir).as_posix()
            record = describe_file(
                path, source_id=source_id, registry_id=entry.id, kind=entry.kind, file=file
            )
            if entry.sha256 and record.sha256 != entry.sha256.lower():
                errors.append(
                    SourceError(
                        record.source_id,
                        record.file,
                        None,
                        "checksum",
                        f"sha256 is {record.sha256}, the registry pins {entry.sha256}; update the pin or restore the file",
                    )
                )
                continue
            pulled.append(record)
    return pulled, errors


def describe_file(
    path: Path, *, source_id: str, registry_id: str, kind: str, file: str
) -> PulledFile:
    """Size, checksum and read time of one input file: what meta.pulled_files records."""
    return PulledFile(
        source_id=source_id,
        registry_id=registry_id,
        kind=kind,
        path=path.resolve(),
        file=file,
        bytes=path.stat().st_size,
        sha256=sha256_file(path),
        pulled_at=datetime.now(UTC),
    )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entry(registry: Path, number: int, raw: dict) -> RegistryEntry:
    where = f"{registry}: [[source]] #{number}"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise ConfigError(f"{where}: needs a non-empty string 'id'")
    if raw.get("kind") not in KINDS:
        raise ConfigError(
            f"{where} ({raw['id']}): kind must be one of {', '.join(KINDS)}, not {raw.get('kind')!r}"
        )
    if ("path" in raw) == ("url" in raw):
        raise ConfigError(f"{where} ({raw['id']}): give exactly one of 'path' or 'url'")
    unknown = set(raw) - {"id", "kind", "path", "url", "sha256"}
    if unknown:
        raise ConfigError(f"{where} ({raw['id']}): unknown keys {sorted(unknown)}")
    return RegistryEntry(raw["id"], raw["kind"], raw.get("path"), raw.get("url"), raw.get("sha256"))


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


def _expand(entry: RegistryEntry, registry_dir: Path) -> list[Path]:
    pattern = entry.path or ""
    candidates = registry_dir.glob(pattern) if _is_glob(pattern) else [registry_dir / pattern]
    return sorted(p for p in candidates if p.is_file() and not p.name.startswith("."))
