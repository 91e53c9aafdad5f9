from pathlib import Path

import polars as pl

from pipelines.batches import process_batch
from pipelines.interpret.vocab import load_vocabularies
from pipelines.pull.sources import PulledFile, describe_file
from pipelines.validate import validate_rows
from schemas import BY_NAME
from tests.conftest import DATA, SEED


def pulled_file(path: Path, kind: str = "guide") -> PulledFile:
    return describe_file(path, source_id=path.name, registry_id="test", kind=kind, file=path.name)


def test_bad_rows_are_quarantined_with_reasons_and_siblings_kept(vocab, records):
    shard = process_batch([pulled_file(DATA / "guide_with_bad_rows.txt")], vocab, records)
    quarantine = shard["quality.quarantine"].sort("dataset")
    assert quarantine.select("dataset", "line_no", "column", "check", "value").rows() == [
        ("core.citations", 8, "ref_no", "reference_exists", "7"),
        # tacrolimus 250%; its grade, 'Very strong', unknown, would only be flagged
        ("core.findings", 9, "intervention_strength_pct", "less_than_or_equal_to(100)", "250.0"),
    ]
    messages = quarantine["message"].to_list()
    assert messages[0] == (
        "guide_with_bad_rows.txt:8: citation marker [7] has no reference 7 in the document's reference list; "
        "fix the marker or add the reference"
    )
    assert messages[1] == (
        "guide_with_bad_rows.txt:9: intervention_strength_pct 250.0 fails less_than_or_equal_to(100)"
    )
    assert shard["core.findings"]["line_no"].to_list() == [8]
    assert shard["core.citations"].select("line_no", "ref_no").rows() == [(8, 1)]


def test_vocabulary_rows_that_fail_are_quarantined_with_their_csv_line(tmp_path):
    csv = tmp_path / "evidence_grades.csv"
    csv.write_text(
        "id,label,rank,synonyms\nhigh,High,4,high\nlow,Low,two,low\nBad Id,X,3,x\n",
        encoding="utf-8",
    )
    frames, quarantine, errors = load_vocabularies([pulled_file(csv, "vocab")])
    assert errors == []
    assert frames["ref.evidence_grades"]["id"].to_list() == ["high"]
    assert sorted((q["line_no"], q["column"], q["check"]) for q in quarantine) == [
        (3, "rank", "dtype"),
        (4, "id", "str_matches('^[a-z0-9_]+$')"),
    ]
    rank = next(q for q in quarantine if q["column"] == "rank")
    assert rank["message"] == "evidence_grades.csv:3: rank 'two' is not a valid Int64"


def test_vocabulary_with_wrong_header_is_a_source_error(tmp_path):
    csv = tmp_path / "outcomes.csv"
    csv.write_text("id,label\nx,y\n", encoding="utf-8")
    frames, quarantine, errors = load_vocabularies([pulled_file(csv, "vocab")])
    assert frames == {} and quarantine == []
    assert errors[0].error == "unreadable" and "missing" in errors[0].message


def test_unreadable_guide_is_a_source_error_not_a_crash(vocab, records, tmp_path):
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02\x03")
    shard = process_batch(
        [pulled_file(binary), pulled_file(DATA / "guide_with_bad_rows.txt")], vocab, records
    )
    assert shard["quality.source_errors"].select("source_id", "error").rows() == [
        ("binary.txt", "unreadable")
    ]
    assert shard["core.findings"].height == 1
    assert isinstance(shard["core.sources"], pl.DataFrame) and shard["core.sources"].height == 1


def test_a_megabyte_value_is_quoted_briefly_in_its_quarantine_message(vocab, records):
    """A value validation refuses is quoted in a message of a few hundred characters, however
    long: here a megabyte where a grade id belongs (reading never puts one there: an unknown
    grade is kept as printed in evidence_grade_text)."""
    shard = process_batch([pulled_file(DATA / "guide_with_bad_rows.txt")], vocab, records)
    huge = "Very strong " + "x" * 1_000_000
    frame = shard["core.findings"].with_columns(pl.lit(huge).alias("evidence_grade"))
    checked = validate_rows(BY_NAME["core.findings"], frame, dict(vocab.ids))
    [row] = checked.quarantine
    assert len(row["message"]) < 300
    assert "'Very strong xxxx" in row["message"] and "… (1,000,012 characters)" in row["message"]


def test_a_guide_that_fails_while_read_costs_only_itself(vocab, records, tmp_path, monkeypatch):
    """Any exception reading or interpreting one guide (planted here: a defect on its file name)
    becomes that guide's source error, named with the exception and where it was raised; every
    other guide of the batch is read."""
    from pipelines import batches

    planted = tmp_path / "planted.txt"
    planted.write_bytes(SEED.read_bytes())
    real = batches.normalize_guide

    def failing(pulled, guide, vocab):
        if pulled.name == "planted.txt":
            raise IndexError("list index out of range")
        return real(pulled, guide, vocab)

    monkeypatch.setattr(batches, "normalize_guide", failing)
    shard = process_batch([pulled_file(planted), pulled_file(SEED)], vocab, records)
    [error] = shard["quality.source_errors"].to_dicts()
    assert (error["source_id"], error["error"]) == ("planted.txt", "internal")
    assert error["message"].startswith("could not be read (IndexError: list index out of range at ")
    assert error["message"].endswith("); the other documents carry on")
    assert shard["core.findings"]["source_id"].unique().to_list() == [SEED.name]
    assert shard["core.findings"].height == 10
