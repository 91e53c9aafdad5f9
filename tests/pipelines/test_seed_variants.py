"""The seed as other pages write it: every variant gives the seed's ten findings, and a clean page
reports nothing. The variants are made here from the seed's two renderings:

- empty-merged-cells.html: merged Outcome cells written as an empty first cell (no rowspan);
- disclaimer-after-references.html: a disclaimer and a support note after the reference list;
- cp1252-typographic.txt: saved by a Windows editor, with a curly apostrophe and an en dash in
  'Investigator(U+2019)s Global Assessment (IGA) (U+2013) Success'.
"""

import re
from pathlib import Path

import pytest

from pipelines.batches import process_batch
from tests.conftest import DATA, SEED
from tests.pipelines.test_validate import pulled_file

SEED_HTML = DATA / "benchchem-ascomycin-b7888174.html"
DISCLAIMER = """</section>
<div class="disclaimer">
<p><b>Disclaimer &amp; Data Validity:</b></p>
<p>The information provided in this document is for Research Use Only (RUO).</p>
<p><b>Technical Support:</b> The protocols are for reference. <a href="#">[Contact us]</a></p>
</div>
</article>"""
FIELDS = (
    "table_no", "row_no", "statement_no", "condition", "outcome", "intervention",
    "intervention_strength_pct", "intervention_potency", "comparator", "comparator_strength_pct",
    "comparator_potency", "population", "severity", "direction", "evidence_grade",
)  # fmt: skip


def read(path, vocab, records):
    return process_batch([pulled_file(path)], vocab, records)


def without_rowspans(page: str) -> str:
    """Each `<td rowspan="N">` as a plain cell, and an empty first cell in the N - 1 rows below."""
    while match := re.search(r'<td rowspan="(\d+)">', page):
        head, tail, at = page[: match.start()] + "<td>", page[match.end() :], 0
        for _ in range(int(match.group(1)) - 1):
            at = tail.index("<tr>", at) + len("<tr>")
            tail = f"{tail[:at]}<td></td>{tail[at:]}"
        page = head + tail
    return page


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seed-variants")
    page = SEED_HTML.read_text(encoding="utf-8")
    (folder / "empty-merged-cells.html").write_text(without_rowspans(page), encoding="utf-8")
    assert page.count("</section>\n</article>") == 1
    (folder / "disclaimer-after-references.html").write_text(
        page.replace("</section>\n</article>", DISCLAIMER), encoding="utf-8"
    )
    typographic = (
        SEED.read_text(encoding="utf-8")
        .replace("Investigator's", "Investigator\u2019s")
        .replace(") - Success", ") \u2013 Success")
    )
    (folder / "cp1252-typographic.txt").write_bytes(typographic.encode("cp1252"))
    return folder


@pytest.mark.parametrize(
    ("variant", "source_errors"),
    [
        ("empty-merged-cells.html", []),
        ("disclaimer-after-references.html", []),
        ("cp1252-typographic.txt", ["encoding"]),
    ],
)
def test_a_variant_of_the_seed_gives_the_seeds_findings(
    vocab, records, variants, variant, source_errors
):
    seed = read(SEED, vocab, records)
    shard = read(variants / variant, vocab, records)
    assert (
        shard["core.findings"].select(FIELDS).rows() == seed["core.findings"].select(FIELDS).rows()
    )
    assert shard["core.findings"].height == 10
    assert shard["quality.source_errors"]["error"].to_list() == source_errors
    assert shard["quality.quarantine"].height == 0
    assert shard["core.references"]["ref_no"].to_list() == [1, 2, 3, 4, 5]


def test_the_variants_differ_from_the_seed_as_described(variants):
    assert (variants / "empty-merged-cells.html").read_text().count("<td></td>") == 3
    assert "\u2013 Success" in (variants / "cp1252-typographic.txt").read_bytes().decode("cp1252")


def test_the_disclaimer_after_the_references_is_prose(vocab, records, variants):
    shard = read(variants / "disclaimer-after-references.html", vocab, records)
    matched = shard["quality.term_matches"].filter(method="unmatched")
    assert matched.height == 0
    assert not any("Disclaimer" in text for text in shard["core.references"]["reference_text"])
