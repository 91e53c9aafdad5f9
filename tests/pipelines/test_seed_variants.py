"""The seed as other pages write it: every variant gives the seed's ten findings, and a clean page
reports nothing.

- empty-merged-cells.html: merged Outcome cells written as an empty first cell (no rowspan);
- disclaimer-after-references.html: a disclaimer and a support note after the reference list;
- cp1252-typographic.txt: saved by a Windows editor, with a curly apostrophe and an en dash in
  'Investigator(U+2019)s Global Assessment (IGA) (U+2013) Success'.
"""

import pytest

from pipelines.batches import process_batch
from tests.conftest import DATA, SEED
from tests.pipelines.test_validate import pulled_file

VARIANTS = DATA / "seed-variants"
FIELDS = (
    "table_no", "row_no", "statement_no", "condition", "outcome", "intervention",
    "intervention_strength_pct", "intervention_potency", "comparator", "comparator_strength_pct",
    "comparator_potency", "population", "severity", "direction", "evidence_grade",
)  # fmt: skip


def read(path, vocab, records):
    return process_batch([pulled_file(path)], vocab, records)


@pytest.mark.parametrize(
    ("variant", "source_errors"),
    [
        ("empty-merged-cells.html", []),
        ("disclaimer-after-references.html", []),
        ("cp1252-typographic.txt", ["encoding"]),
    ],
)
def test_a_variant_of_the_seed_gives_the_seeds_findings(vocab, records, variant, source_errors):
    seed = read(SEED, vocab, records)
    shard = read(VARIANTS / variant, vocab, records)
    assert (
        shard["core.findings"].select(FIELDS).rows() == seed["core.findings"].select(FIELDS).rows()
    )
    assert shard["core.findings"].height == 10
    assert shard["quality.source_errors"]["error"].to_list() == source_errors
    assert shard["quality.quarantine"].height == 0
    assert shard["core.references"]["ref_no"].to_list() == [1, 2, 3, 4, 5]


def test_the_disclaimer_after_the_references_is_prose(vocab, records):
    shard = read(VARIANTS / "disclaimer-after-references.html", vocab, records)
    matched = shard["quality.term_matches"].filter(method="unmatched")
    assert matched.height == 0
    assert not any("Disclaimer" in text for text in shard["core.references"]["reference_text"])
