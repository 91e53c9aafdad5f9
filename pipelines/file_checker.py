"""`dermevidence validate`: the parse, normalize and validate stages on given files, nothing loaded.

What a file is comes from its content: a vocabulary CSV by its name, a bibliographic file by its
first bytes, anything else is read as a guide (text or HTML).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from pipelines.batches import process_batch
from pipelines.interpret.bibliographic_records import load_bibliography
from pipelines.interpret.resolve import RecordIndex
from pipelines.interpret.vocab import VOCAB_DATASETS, build_vocabulary, load_vocabularies
from pipelines.pull.sources import PulledFile, describe_file, load_registry, of_kind, pull, records
from pipelines.read import bibliography


def check_files(paths: list[Path], registry: Path) -> list[str]:
    """Problems as 'file:line: message' lines; vocabularies and records taken from the registry."""
    entries = [e for e in load_registry(registry).local if e.kind in ("vocab", "references")]
    registered, _ = pull(entries, registry.parent)
    frames, _, _ = load_vocabularies(records(of_kind(registered, "vocab")))
    vocab = build_vocabulary(frames)
    bibliographic, _, _ = load_bibliography(records(of_kind(registered, "references")))
    index = RecordIndex(bibliographic["core.bibliographic_records"].to_dicts())
    problems: list[tuple[str, int, str]] = []
    for path in paths:
        if not path.is_file():
            problems.append((str(path), 0, f"{path}: no such file"))
            continue
        if path.suffix == ".csv" and path.stem in VOCAB_DATASETS:
            _, quarantine, errors = load_vocabularies([_as_pulled(path, "vocab")])
        elif bibliography.sniff(path.read_bytes()) is not None:
            _, quarantine, errors = load_bibliography([_as_pulled(path, "references")])
        else:
            shard = process_batch([_as_pulled(path, "guide")], vocab, index)
            quarantine = shard["quality.quarantine"].to_dicts()
            errors = shard["quality.source_errors"].to_dicts()
        for error in errors:
            error = error if isinstance(error, dict) else asdict(error)
            line = error["line_no"] or 1
            problems.append((str(path), line, f"{path}:{line}: {error['message']}"))
        problems += [
            (str(path), row["line_no"] or 1, f"{row['message']} ({row['dataset']})")
            for row in quarantine
        ]
    return [text for _, _, text in sorted(problems)]


def _as_pulled(path: Path, kind: str) -> PulledFile:
    return describe_file(
        path, source_id=path.name, registry_id="validate", kind=kind, file=str(path)
    )
