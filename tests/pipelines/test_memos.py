"""What a worker remembers between guides (a statement read once per distinct text, a row's arms,
the terms a text holds) changes no row: a batch read with one vocabulary gives every row, every
field, in the order that reading each guide with a vocabulary of its own gives."""

import shutil

from benchmarks.corpus import generate
from pipelines.batches import normalize_batch
from pipelines.interpret.resolve import RecordIndex
from pipelines.interpret.vocab import build_vocabulary, load_vocabularies
from pipelines.pull.sources import load_registry, pull, records
from tests.conftest import DATA, ROOT, registered

# Two guides that print the same statements: the same abbreviation names another compound in
# each, and each prints a statement under outcomes of opposite polarity.
TWINS = {
    "twin-a.txt": "calcipotriol (CP)",
    "twin-b.txt": "clobetasol propionate (CP)",
}
TWIN = (
    "# Topical treatments compared\n\nThis guide compares {defined} with vehicle.\n\n"
    "Table 1: Trials in psoriasis\n\nOutcome\tComparison\tResult\n"
    "Complete clearance\tCP 0.05% vs. Vehicle\tHigher rates with CP than with vehicle.\n"
    "Skin atrophy\tCP 0.05% vs. Vehicle\tHigher rates with CP than with vehicle.\n"
)


def test_a_batch_read_with_remembered_readings_gives_the_rows_of_guides_read_afresh(tmp_path):
    generate(tmp_path / "synthetic", 40, seed=11)
    guides = tmp_path / "synthetic" / "raw" / "guides"
    for name, defined in TWINS.items():
        (guides / name).write_text(TWIN.format(defined=defined), encoding="utf-8")
    for guide in [*(DATA / "devset" / "guides").iterdir(), *(ROOT / "raw" / "guides").iterdir()]:
        shutil.copy(guide, guides / guide.name)
    pulled, _ = pull(load_registry(tmp_path / "synthetic" / "raw" / "sources.toml").local,
                     tmp_path / "synthetic" / "raw")  # fmt: skip
    files = [f for f in records(pulled) if f.kind == "guide"]
    assert len(files) > 60
    frames, _, _ = load_vocabularies(registered("vocab"))
    index = RecordIndex([])
    together = normalize_batch(files, build_vocabulary(frames), index)
    apart: dict[str, list] = {name: [] for name in together}
    for pulled_file in files:
        for name, rows in normalize_batch([pulled_file], build_vocabulary(frames), index).items():
            apart[name].extend(rows)
    assert len(together["core.findings"]) > 1000
    for name in together:
        assert together[name] == apart[name], name
    twins = [
        (f["file"].split("/")[-1], f["outcome"], f["intervention"], f["direction"])
        for f in together["core.findings"]
        if "twin" in f["file"]
    ]
    assert twins == [
        ("twin-a.txt", "complete_clearance", "calcipotriol", "favours_intervention"),
        ("twin-a.txt", "skin_atrophy", "calcipotriol", "favours_comparator"),
        ("twin-b.txt", "complete_clearance", "clobetasol_propionate", "favours_intervention"),
        ("twin-b.txt", "skin_atrophy", "clobetasol_propionate", "favours_comparator"),
    ]
