"""CPU milliseconds per guide of reading and interpreting guides, the figure issues hold a reader to.

    .venv/bin/python -m benchmarks.parse_cpu [--corpus DIR] [--guides 2000] [--rounds 3]

Times `batches.normalize_batch` (parse, normalize, resolve against an empty record index) over
the guides of a seeded synthetic corpus, in this process, warm, with the vocabulary's memos
fresh each round as a new batch process has them; prints the least of the rounds. CPU time, not
wall time, so a busy machine moves it less; compare two versions in the same session,
alternating, never against a figure from another day.

The vocabulary is this checkout's `raw/vocab/`, so a version is timed with the terms it ships.
`--corpus DIR` reuses a corpus (generated there on first use): copy this file into an older
checkout and point both at one folder, since the generator draws from the vocabulary and two
versions may generate different guides.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import ROOT, generate
from pipelines.batches import normalize_batch
from pipelines.interpret.resolve import RecordIndex
from pipelines.interpret.vocab import build_vocabulary, load_vocabularies
from pipelines.pull.sources import PulledFile, load_registry, pull, records

_WARM_UP = 200


def ms_per_guide(corpus: Path, guides: int, rounds: int) -> tuple[float, list[float]]:
    """(least CPU ms per guide over the rounds, each round's CPU seconds)."""
    registry = corpus / "raw" / "sources.toml"
    if not registry.exists():
        generate(corpus, guides)
    files = [f for f in _pulled(registry) if f.kind == "guide"][:guides]
    contents = [f.path.read_bytes() for f in files]
    frames, _, _ = load_vocabularies(
        [f for f in _pulled(ROOT / "raw" / "sources.toml") if f.kind == "vocab"]
    )
    index = RecordIndex([])
    normalize_batch(files[:_WARM_UP], build_vocabulary(frames), index, contents[:_WARM_UP])
    seconds = []
    for _ in range(rounds):
        vocab = build_vocabulary(frames)
        start = time.process_time()
        normalize_batch(files, vocab, index, contents)
        seconds.append(time.process_time() - start)
    return min(seconds) / len(files) * 1000, seconds


def _pulled(registry: Path) -> list[PulledFile]:
    pulled, _ = pull(load_registry(registry).local, registry.parent)
    return records(pulled)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="a corpus folder to reuse (made on first use)")
    parser.add_argument("--guides", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        corpus = args.corpus or Path(scratch)
        ms, seconds = ms_per_guide(corpus, args.guides, args.rounds)
    rounds = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"{ms:.2f} ms CPU per guide ({ROOT}; least of {args.rounds} rounds: {rounds} s)")


if __name__ == "__main__":
    main()
