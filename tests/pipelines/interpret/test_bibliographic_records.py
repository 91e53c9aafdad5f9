"""Bibliographic files into the validated records dataset: bad rows quarantined, neighbours kept."""

from pipelines.interpret.bibliographic_records import load_bibliography
from pipelines.pull.sources import describe_file


def test_a_ragged_csv_row_is_reported_and_its_neighbours_kept(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        'PMID,Title,Authors\n1,"A title, with a comma",Doe J.\n2,Unquoted, comma,Roe K.\n'
        '3,"A title spanning\ntwo lines",Poe L.\n4,,Nobody N.\n'
    )
    pulled = describe_file(
        path, source_id="export.csv", registry_id="t", kind="references", file="export.csv"
    )
    frames, quarantine, errors = load_bibliography([pulled])
    records = frames["core.bibliographic_records"]
    assert records.select("pmid", "line_no", "title").rows() == [
        ("1", 2, "A title, with a comma"),
        ("3", 4, "A title spanning\ntwo lines"),
    ]
    assert [(e.line_no, e.error) for e in errors] == [(3, "record_shape")]
    assert [(q["line_no"], q["column"], q["check"]) for q in quarantine] == [
        (6, "title", "not_nullable")
    ]
    assert (
        quarantine[0]["message"]
        == "export.csv:6: title is empty but core.bibliographic_records requires it"
    )
