"""The acceptance fixture of DESIGN.md §5, value by value, on the pure stage functions."""

import pytest

from pipelines.batches import process_batch
from pipelines.interpret.normalize import published_month
from pipelines.pull.sources import load_registry, pull
from pipelines.pull.sources import records as pulled_records
from pipelines.read.text import MARKER
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def seed(vocab, records):
    registry = ROOT / "raw" / "sources.toml"
    pulled, _ = pull(
        [e for e in load_registry(registry).local if e.kind == "guide"], registry.parent
    )
    return process_batch(pulled_records(pulled), vocab, records)


def test_one_source_with_the_guides_metadata(seed):
    [source] = seed["core.sources"].to_dicts()
    assert (
        source["title"]
        == "Clinical validation of Ascomycin's therapeutic potential in inflammatory skin diseases"
    )
    assert source["publisher"] == "BenchChem"
    assert source["author"] == "BenchChem Technical Support Team"
    assert source["published"] == "2025-12"
    assert source["compound"] == "Ascomycin"
    assert source["catalog_no"] == "B7888174"
    assert source["url"] == "https://www.benchchem.com/product/b7888174"


def test_tables(seed):
    tables = seed["core.tables"].select("table_no", "table_kind", "n_rows").rows()
    assert tables == [(1, "comparative", 4), (2, "comparative", 5), (3, "preclinical", 3)]


# fmt: off
FINDINGS = [
    # table, row, statement, outcome, intervention, strength, comparator, strength, comparator potency,
    # population, severity, direction, grade
    (1, 1, 1, "iga_success", "tacrolimus", 0.1, "pimecrolimus", 1.0, None, "adult", "unspecified", "favours_intervention", "high"),
    (1, 2, 1, "iga_success", "tacrolimus", 0.03, "pimecrolimus", 1.0, None, "pediatric", "mild_to_moderate", "no_difference", "moderate"),
    (1, 2, 2, "iga_success", "tacrolimus", 0.1, "pimecrolimus", 1.0, None, "pediatric", "moderate_to_severe", "favours_intervention", "moderate"),
    (1, 3, 1, "easi_reduction", "tacrolimus", None, "pimecrolimus", None, None, "unspecified", "unspecified", "favours_intervention", "high"),
    (1, 4, 1, "pruritus_relief", "tacrolimus", None, "pimecrolimus", None, None, "unspecified", "unspecified", "favours_intervention", "moderate"),
    (2, 1, 1, "iga_success", "tacrolimus", 0.1, "tcs", None, "potent", "unspecified", "unspecified", "comparable", "high"),
    (2, 2, 1, "iga_success", "tacrolimus", 0.03, "tcs", None, "mild", "unspecified", "unspecified", "favours_intervention", "high"),
    (2, 3, 1, "iga_success", "pimecrolimus", 1.0, "tcs", None, "moderate/potent", "unspecified", "unspecified", "favours_comparator", "high"),
    (2, 4, 1, "skin_atrophy", "calcineurin_inhibitor", None, "tcs", None, None, "unspecified", "unspecified", "favours_intervention", "high"),
    (2, 5, 1, "application_site_reactions", "calcineurin_inhibitor", None, "tcs", None, None, "unspecified", "unspecified", "favours_comparator", "high"),
]
# fmt: on


def test_ten_findings_exactly(seed):
    columns = [
        "table_no", "row_no", "statement_no", "outcome", "intervention", "intervention_strength_pct",
        "comparator", "comparator_strength_pct", "comparator_potency", "population", "severity",
        "direction", "evidence_grade",
    ]  # fmt: skip
    findings = seed["core.findings"]
    assert findings.select(columns).rows() == FINDINGS
    assert set(findings["condition"]) == {"atopic_dermatitis"}
    assert findings["line_no"].to_list() == [32, 33, 33, 34, 35, 40, 41, 42, 43, 44]


def test_subgroup_statements_keep_their_own_text(seed):
    split = seed["core.findings"].filter(table_no=1, row_no=2)["result_text"].to_list()
    assert split == [
        "No significant difference for mild/moderate cases.",
        "Tacrolimus 0.1% more effective for moderate-to-severe.",
    ]


def test_continued_rows_take_the_outcome_from_above(seed):
    outcomes = seed["core.findings"].filter(table_no=2)["outcome_text"].to_list()
    assert outcomes[:3] == ["Investigator's Global Assessment (IGA) - Success"] * 3


def test_preclinical_findings(seed):
    rows = (
        seed["core.preclinical_findings"]
        .select("compound", "parameter", "comparator", "model", "fold_low", "fold_high")
        .rows()
    )
    assert rows == [
        (
            "abt_281",
            "Topical Potency",
            "tacrolimus",
            "swine contact hypersensitivity model",
            None,
            None,
        ),
        ("abt_281", "Systemic Potency", "tacrolimus", "systemic models", 19.0, 61.0),
        ("abt_281", "Pharmacokinetics", "tacrolimus", None, None, None),
    ]


def test_claims_references_and_citations(seed):
    claims = seed["core.claims"]["claim_text"].to_list()
    assert claims == [
        "Their primary mechanism of action involves the inhibition of calcineurin, a key enzyme in the activation of T-cells, thereby preventing the production of pro-inflammatory cytokines.",
        "A key advantage of ascomycin derivatives over traditional topical corticosteroids is their favorable safety profile, notably the lack of skin atrophy with long-term use.",
    ]
    references = seed["core.references"].select("ref_no", "title", "database").rows()
    assert references == [
        (
            1,
            "Discovery of ascomycin analogs with potent topical but weak systemic activity for treatment of inflammatory skin diseases",
            "PubMed",
        ),
        (2, "Pimecrolimus. Novartis", "PubMed"),
        (3, "Pimecrolimus in dermatology", "PubMed"),
        (
            4,
            "Ascomycins: promising agents for the treatment of inflammatory skin diseases",
            "PubMed",
        ),
        (5, "Ascomycins in dermatology", "PubMed"),
    ]
    citations = (
        seed["core.citations"]
        .group_by("citing_dataset")
        .agg("ref_no")
        .sort("citing_dataset")
        .rows()
    )
    assert [(name, sorted(refs)) for name, refs in citations] == [
        ("claims", [1, 2, 3, 4, 5]),
        ("findings", [4, 5]),
        ("preclinical_findings", [1, 1, 1]),
    ]
    atrophy = seed["core.findings"].filter(outcome="skin_atrophy")["finding_id"].item()
    assert seed["core.citations"].filter(citing_id=atrophy)["ref_no"].to_list() == [4, 5]


def test_references_2_to_4_resolve_to_pubmed_and_1_and_5_stay_unresolved(seed):
    columns = [
        "ref_no",
        "pmid",
        "match_method",
        "match_score",
        "doi",
        "journal",
        "year",
        "first_author",
    ]
    assert seed["core.references"].select(columns).rows() == [
        (1, None, "unresolved", 64.3, None, None, None, None),
        (2, "12090545", "exact", 100.0, None, "Curr Opin Investig Drugs", 2002, "Schopf RE"),
        (3, "16033622", "prefix", 65.1, "10.1111/j.1368-5031.2005.00587.x", "Int J Clin Pract", 2005, None),
        (4, "11060661", "exact", 100.0, "10.1517/13543784.9.1.69", "Expert Opin Investig Drugs", 2000, "Paul C"),
        (5, None, "unresolved", 46.9, None, None, None, None),
    ]  # fmt: skip
    notes = seed["core.references"]["match_note"].to_list()
    assert notes[0] == (
        "no record matches; closest is PMID 11060661 'Ascomycins: promising agents for the treatment "
        "of inflammatory skin diseases.' at 64.3 (fuzzy threshold 95)"
    )
    assert notes[1:4] == [None, None, None] and notes[4].startswith("no record matches")


def test_no_citation_marker_or_markup_remains_in_stored_text(seed):
    texts = [
        *seed["core.claims"]["claim_text"], *seed["core.findings"]["result_text"],
        *seed["core.preclinical_findings"]["finding_text"], *seed["core.references"]["title"],
        *seed["core.tables"]["title"],
    ]  # fmt: skip
    assert [t for t in texts if MARKER.search(t) or "<a" in t or "**" in t] == []


def test_nothing_quarantined_on_the_seed(seed):
    assert seed["quality.quarantine"].height == 0
    assert seed["quality.source_errors"].height == 0


def test_unclassifiable_result_is_kept_unclassified(vocab, records, tmp_path):
    guide = tmp_path / "g.txt"
    guide.write_text(
        "# G\n\nTable 1: A vs B in atopic dermatitis\n\nOutcome\tComparison\tResult\tGrade\n"
        "Skin atrophy\tTacrolimus vs. TCS\tResults were heterogeneous.\tLow\n",
        encoding="utf-8",
    )
    from tests.pipelines.test_validate import pulled_file

    findings = process_batch([pulled_file(guide)], vocab, records)["core.findings"]
    assert findings.select("direction", "evidence_grade").rows() == [("unclassified", "low")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("December 2025", "2025-12"),
        ("Sept. 2024", "2024-09"),
        ("Smarch 2024", "2024"),
        ("2023", "2023"),
        (None, None),
        ("Jan 2020", "2020-01"),
    ],
)
def test_published_month(text, expected):
    assert published_month(text) == expected
