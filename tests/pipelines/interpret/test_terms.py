"""Printed terms against the real vocabularies: each matching stage, and the pairs it must refuse."""

import pytest

from pipelines.interpret.terms import FUZZY_THRESHOLD, TermFinder, TermIndex, TermLog, term_key


@pytest.mark.parametrize(
    ("printed", "term_id", "method"),
    [
        ("Investigator's Global Assessment (IGA) - Success", "iga_success", "exact"),
        # typography of a cp1252 page: curly apostrophe, en dash
        ("Investigator\u2019s Global Assessment (IGA) \u2013 Success", "iga_success", "exact"),
        # possessive and plural, the abbreviation's definition
        ("Investigator's Global Assessment (IGA)", "iga_success", "normalized"),
        ("Withdrawal Due to Lack of Efficacy", "withdrawal_lack_of_efficacy", "exact"),
        ("Withdrawals for adverse event", "withdrawal_adverse_event", "normalized"),
        # asides and timepoints
        ("Skin atrophy (skin thinning)", "skin_atrophy", "normalized"),
        ("Clear or almost clear at week 8", "iga_success", "normalized"),
        ("Prevention of flares over 12 months", "flare_prevention", "normalized"),
        ("EASI improvement from baseline (%), week 4", "easi_reduction", "normalized"),
        # an aside that is itself a synonym
        ("Clinical success (physician's assessment)", "physician_global_improvement", "normalized"),
        # an abbreviation the vocabulary defines ('… Severity Index (EASI) Score'), spelled out
        ("Eczema Area and Severity Index improvement", "easi_reduction", "abbreviation"),
        # a synonym held after words the entry itself uses
        ("Repigmentation of body lesions", "repigmentation", "contained"),
        ("Skin atrophy and telangiectasia", "skin_atrophy", "contained"),
        ("Reduction in total AD severity score", "severity_score_reduction", "contained"),
        # fuzzy, above the threshold and clear of the runner-up
        ("Withdrawal for lack of effect", "withdrawal_lack_of_efficacy", "fuzzy"),
        ("Pruritis relief", "pruritus_relief", "fuzzy"),
    ],
)
def test_outcomes_are_matched_as_a_careful_reader_would(vocab, printed, term_id, method):
    match = vocab.outcome_terms.match(printed)
    assert (match.term_id, match.method) == (term_id, method)


@pytest.mark.parametrize(
    ("printed", "closest"),
    [
        # a word the entry never uses changes the meaning
        ("Serious adverse events", "pruritus_adverse_event"),
        ("Viral skin infections", "skin_infection"),
        # close, but under the threshold: left for a person ('tolerability' is not 'efficacy')
        ("Withdrawals for lack of tolerability", "withdrawal_lack_of_efficacy"),
        ("Quality of life", "pruritus_relief"),
    ],
)
def test_outcomes_a_careful_reader_would_not_guess_stay_unmatched(vocab, printed, closest):
    match = vocab.outcome_terms.match(printed)
    assert (match.term_id, match.method, match.runner_up) == (None, "unmatched", closest)
    assert match.runner_up_score is not None and match.runner_up_score < FUZZY_THRESHOLD


def test_compound_names_are_never_guessed(vocab):
    """'Calcitriol' is 90.9 from calcipotriol and 'Tacrolimis' 90.0 from tacrolimus: no threshold
    tells a typo from another drug, so both wait for a person, closest entry named."""
    for printed, closest in [("Calcitriol", "calcipotriol"), ("Tacrolimis", "tacrolimus")]:
        match = vocab.compound_terms.match(printed)
        assert (match.term_id, match.runner_up) == (None, closest)


def test_a_closed_scale_does_not_stretch(vocab):
    assert vocab.grade_terms.match("\u2295\u2295\u2295\u25ef Moderate").term_id == "moderate"
    assert vocab.grade_terms.match("Moderate (downgraded for imprecision)").term_id == "moderate"
    assert vocab.grade_terms.match("Very strong").term_id is None


def test_a_fuzzy_match_must_be_clear_of_the_runner_up():
    index = TermIndex("x", {"itch score week": "a", "itch score weak": "b"})
    clear = index.match("itch score wee")
    assert (clear.term_id, clear.score, clear.runner_up, clear.runner_up_score) == (
        "a",
        96.6,
        "b",
        89.7,
    )
    tied = index.match("itch score wek")
    assert (tied.term_id, tied.method, tied.runner_up_score) == (None, "unmatched", 96.6)


def test_the_finder_reads_hyphens_plurals_and_capitals():
    finder = TermFinder(
        {"crisaborole": "c", "AD": "ad", "mild to moderate": "mm", "calcineurin inhibitor": "ci"}
    )
    found = finder.find(
        "crisaborole-treated; Mild\u2013to-moderate AD; ad hoc; calcineurin inhibitors"
    )
    assert [(m.text, m.term_id) for m in found] == [
        ("crisaborole", "c"),
        ("Mild\u2013to-moderate", "mm"),
        ("AD", "ad"),
        ("calcineurin inhibitors", "ci"),
    ]


def test_term_key():
    assert term_key("Investigators\u2019 Global Assessments") == "investigator global assessment"
    assert term_key("Fluticasone 0.05%; once-daily") == "fluticasone 0.05% once daily"


def test_each_document_logs_a_printed_term_once_with_its_first_line(vocab):
    log = TermLog({"source_id": "s", "file": "f.txt"})
    for line_no in (7, 9):
        log.record(vocab.outcome_terms.match("Skin infections"), line_no)
    [row] = log.rows()
    assert (row["line_no"], row["occurrences"], row["term_id"], row["method"]) == (
        7,
        2,
        "skin_infection",
        "exact",
    )
