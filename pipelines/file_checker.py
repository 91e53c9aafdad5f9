"""`dermevidence validate`: the parse, normalize and validate stages on given files, nothing loaded.

A folder stands for the files under it. What a file is comes from its content: a sources
registry by its `.toml` name (checked as `run` checks it), a vocabulary CSV by its name, a
bibliographic file by its
first bytes, an estimates CSV by its header (most of the estimates columns); a page the registry
lists under an estimates entry is read as published analysis tables; anything else is read as a
guide (text or HTML). A file that is none of these (read as a guide, it yields no finding)
is not checked, and said so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from pipelines.batches import process_batch
from pipelines.interpret.bibliographic_records import load_bibliography
from pipelines.interpret.estimates import RAW_COLUMNS, load_estimates
from pipelines.interpret.resolve import RecordIndex
from pipelines.interpret.vocab import VOCAB_DATASETS, build_vocabulary, load_vocabularies
from pipelines.pull.file_names import shown
from pipelines.pull.sources import (
    ConfigError,
    PulledFile,
    describe_file,
    load_registry,
    of_kind,
    pull,
    records,
)
from pipelines.read import bibliography


@dataclass(frozen=True)
class Checked:
    problems: list[str]  # 'file:line: message', in file and line order
    unchecked: list[str]  # 'file: why it was not checked'
    checked: int = 0  # files checked (those missing or not checked aside)


def check_files(paths: list[Path], registry: Path) -> Checked:
    """Problems as 'file:line: message' lines and the files not checked; vocabularies and
    records taken from the registry."""
    kinds = ("vocab", "references", "estimates")
    registered, _ = pull(
        [e for e in load_registry(registry).local if e.kind in kinds], registry.parent
    )
    tables = {
        Path(pulled.path).resolve()
        for pulled in records(of_kind(registered, "estimates"))
        if Path(pulled.name).suffix.lower() != ".csv"
    }
    frames, _, _ = load_vocabularies(records(of_kind(registered, "vocab")))
    vocab = build_vocabulary(frames)
    bibliographic, _, _ = load_bibliography(records(of_kind(registered, "references")))
    index = RecordIndex(bibliographic["core.bibliographic_records"].to_dicts())
    problems: list[tuple[str, int, str]] = []
    unchecked: list[str] = []
    files = _files(paths)
    missing = 0
    for path in files:
        name = shown(str(path))
        if not path.is_file():
            problems.append((name, 0, f"{name}: no such file or folder"))
            missing += 1
            continue
        if path.suffix == ".toml":
            try:
                load_registry(path)
            except ConfigError as exc:
                problems.append((name, 1, f"{name}:1: {str(exc).removeprefix(f'{path}: ')}"))
            continue
        data = path.read_bytes()
        if path.suffix == ".csv" and path.stem in VOCAB_DATASETS:
            _, quarantine, errors = load_vocabularies([_as_pulled(path, "vocab")])
        elif bibliography.sniff(data) is not None:
            _, quarantine, errors = load_bibliography([_as_pulled(path, "references")])
        elif _estimates_header(data) or path.resolve() in tables:
            _, quarantine, errors = load_estimates([_as_pulled(path, "estimates")], vocab)
        else:
            shard = process_batch([_as_pulled(path, "guide")], vocab, index)
            if shard["core.findings"].is_empty() and shard["core.preclinical_findings"].is_empty():
                unchecked.append(f"{name}: {NOT_AN_INPUT}")
                continue
            quarantine = shard["quality.quarantine"].to_dicts()
            errors = shard["quality.source_errors"].to_dicts()
        for error in errors:
            error = error if isinstance(error, dict) else asdict(error)
            line = error["line_no"] or 1
            problems.append((name, line, f"{name}:{line}: {error['message']}"))
        problems += [
            (name, row["line_no"] or 1, f"{row['message']} ({row['dataset']})")
            for row in quarantine
        ]
    checked = len(files) - missing - len(unchecked)
    return Checked([text for _, _, text in sorted(problems)], unchecked, checked)


NOT_AN_INPUT = (
    "not checked: no finding in it as a guide, and not a vocabulary CSV, a bibliographic file or "
    "an estimates CSV"
)


def _files(paths: list[Path]) -> list[Path]:
    """The files named, and those under each folder named (its visible files, sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            found.append(path)
    return found


def _estimates_header(data: bytes) -> bool:
    """An estimates CSV by its shape: a first line naming most of the estimates columns."""
    first = data[:4096].split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff")
    names = {cell.strip().strip('"').lower() for cell in first.split(",")}
    return len(names & set(RAW_COLUMNS)) * 2 > len(RAW_COLUMNS)


def _as_pulled(path: Path, kind: str) -> PulledFile:
    return describe_file(
        path, source_id=shown(path.name), registry_id="validate", kind=kind, file=shown(str(path))
    )
