"""Reference resolution: exact → prefix → fuzzy, never a guess."""

from pipelines.interpret.resolve import FUZZY_THRESHOLD, RecordIndex, title_key


def record(pmid: str, title: str, record_format: str = "pubmed-xml") -> dict:
    return {"record_id": f"bib_{pmid}_{record_format}", "pmid": pmid, "doi": None, "title": title,
            "format": record_format, "journal": "J Synth Ex", "year": 2001, "first_author": "Doe J"}  # fmt: skip


def test_title_key_folds_case_accents_and_punctuation():
    assert title_key("  Pimecrolimus. Novartis.") == "pimecrolimus novartis"
    assert title_key("Eczéma: a RÉVIEW — part 2") == "eczema a review part 2"


def test_exact_then_prefix_then_fuzzy_with_scores():
    index = RecordIndex(
        [
            record("1", "Pimecrolimus. Novartis."),
            record("2", "Pimecrolimus in dermatology: atopic dermatitis and beyond"),
            record(
                "3", "Ascomycins: promising agents for the treatment of inflammatory skin diseases."
            ),
        ]
    )
    exact = index.resolve("Pimecrolimus. Novartis")
    assert (exact.method, exact.score, exact.record["pmid"]) == ("exact", 100.0, "1")
    prefix = index.resolve("Pimecrolimus in dermatology")
    assert (prefix.method, round(prefix.score, 1), prefix.record["pmid"]) == ("prefix", 65.1, "2")
    fuzzy = index.resolve("Ascomycins: promising agent for treatment of inflammatory skin diseases")
    assert (fuzzy.method, fuzzy.record["pmid"]) == ("fuzzy", "3")
    assert FUZZY_THRESHOLD <= fuzzy.score < 100
    assert fuzzy.columns()["match_score"] == round(fuzzy.score, 1)


def test_a_near_miss_stays_unresolved_and_names_the_closest_record():
    index = RecordIndex([record("7", "Topical pimecrolimus for eczema")])
    miss = index.resolve("Topical tacrolimus for eczema")
    assert (miss.method, miss.record, miss.score) == ("unresolved", None, 90.0)
    assert (
        miss.note
        == "no record matches; closest is PMID 7 'Topical pimecrolimus for eczema' at 90.0 (fuzzy threshold 95)"
    )


def test_two_candidates_too_close_to_call_are_named_and_nothing_is_guessed():
    index = RecordIndex(
        [
            record("10", "Tacrolimus ointment for atopic dermatitis in children: a review"),
            record("11", "Tacrolimus ointment for atopic dermatitis in children: a reviews"),
        ]
    )
    fuzzy = index.resolve("Tacrolimus ointment for atopic dermatitis in children: review")
    assert (fuzzy.method, fuzzy.record) == ("unresolved", None)
    assert fuzzy.note.startswith("ambiguous: PMID 10 ") and " and PMID 11 " in fuzzy.note
    assert "fit by fuzzy match about equally" in fuzzy.note
    prefix = index.resolve("Tacrolimus ointment for atopic dermatitis")
    assert (prefix.method, prefix.record) == ("unresolved", None)
    assert "PMID 10" in prefix.note and "PMID 11" in prefix.note and "prefix" in prefix.note


def test_the_same_work_in_two_files_is_one_candidate_described_by_the_richer_format():
    index = RecordIndex(
        [
            record("5", "Ascomycins in dermatology", "pubmed-csv"),
            record("5", "Ascomycins in dermatology"),
        ]
    )
    found = index.resolve("Ascomycins in dermatology")
    assert (found.method, found.record["record_id"]) == ("exact", "bib_5_pubmed-xml")


def test_a_short_title_is_never_taken_as_a_prefix():
    index = RecordIndex([record("8", "Pimecrolimus: a review of its use in atopic dermatitis")])
    assert index.resolve("Pimecrolimus").method == "unresolved"


def test_no_records_means_unresolved_with_a_reason():
    assert RecordIndex([]).resolve("Anything").note == "no bibliographic records to match against"
