"""What the verdicts cost against the rest of a batch's work, in one process.

    .venv/bin/python -m benchmarks.verdicts [--guides 1000] [--repeats 2]

A seeded synthetic corpus (benchmarks/corpus.py, the one `dermevidence bench` uses) is generated
in a temporary folder; its guides go through `batches.process_batch` with the bundled
vocabularies, records and estimates (after a warm-up of 50 guides, so the memos are as a long run
has them), and `evidence.assess` is timed again on the batch's findings. Printed per repeat:
the batch's seconds, the verdicts' seconds and their share of the rest of the batch.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import generate
from pipelines.appraise.evidence import assess
from pipelines.batches import process_batch
from pipelines.interpret.bibliographic_records import load_bibliography
from pipelines.interpret.estimates import load_estimates
from pipelines.interpret.resolve import RecordIndex
from pipelines.interpret.vocab import build_vocabulary, load_vocabularies
from pipelines.pull.sources import describe_file

ROOT = Path(__file__).resolve().parent.parent


def _pulled(folder: Path, kind: str) -> list:
    return [
        describe_file(path, source_id=path.name, registry_id=kind, kind=kind, file=path.name)
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix != ".md"
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guides", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    options = parser.parse_args(argv)
    vocab = build_vocabulary(load_vocabularies(_pulled(ROOT / "raw" / "vocab", "vocab"))[0])
    estimates = load_estimates(_pulled(ROOT / "raw" / "estimates", "estimates"), vocab)[0]
    rows = estimates["core.effect_estimates"].to_dicts()
    bibliography = load_bibliography(_pulled(ROOT / "raw" / "references", "references"))[0]
    records = RecordIndex(bibliography["core.bibliographic_records"].to_dicts())
    with tempfile.TemporaryDirectory(prefix="dermevidence-verdicts-") as folder:
        generate(Path(folder), options.guides)
        guides = _pulled(Path(folder) / "raw" / "guides", "guide")
        process_batch(guides[:50], vocab, records, rows)
        for _ in range(options.repeats):
            start = time.perf_counter()
            frames = process_batch(guides, vocab, records, rows)
            batch = time.perf_counter() - start
            findings = frames["core.findings"].to_dicts()
            start = time.perf_counter()
            checks, considered = assess(findings, rows, vocab)
            verdicts = time.perf_counter() - start
            counted = sum(bool(check["estimate_ids"]) for check in checks)
            pooled = sum(check.get("pooled_k") is not None for check in checks)
            print(
                f"{len(guides)} guides, {len(findings)} findings: batch {batch:.2f} s, verdicts "
                f"{verdicts:.2f} s ({verdicts / (batch - verdicts):.1%} of the rest); "
                f"{len(considered)} considered, {counted} with a counted estimate, {pooled} pooled"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
