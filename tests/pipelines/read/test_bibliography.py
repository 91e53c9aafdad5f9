"""Readers of bibliographic files, each on a real-format fixture, and their safety on hostile XML."""

from pathlib import Path

import pytest

from pipelines.read.bibliography import MAX_RECORDS_BYTES, read_records, sniff
from pipelines.read.errors import FileError
from tests.conftest import DATA, ROOT

REFERENCES = ROOT / "raw" / "references"
FIXTURES = DATA / "bibliography"
COLUMNS = (
    "pmid",
    "doi",
    "title",
    "authors",
    "journal",
    "year",
    "month",
    "volume",
    "issue",
    "pages",
)
SEED_RECORDS = [
    ("12090545", None, "Pimecrolimus. Novartis.", ["Schopf RE"], "Curr Opin Investig Drugs", 2002, 5, "3", "5", "720-4"),
    ("16033622", "10.1111/j.1368-5031.2005.00587.x", "Pimecrolimus in dermatology: atopic dermatitis and beyond", [], "Int J Clin Pract", 2005, 8, "59", "8", "969-74"),
    ("11060661", "10.1517/13543784.9.1.69", "Ascomycins: promising agents for the treatment of inflammatory skin diseases.", ["Paul C", "Graeber M", "Stuetz A"], "Expert Opin Investig Drugs", 2000, 1, "9", "1", "69-77"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "expected_format", "lines"),
    [
        (REFERENCES / "pubmed-efetch-seed-references.xml", "pubmed-xml", [4, 42, 74]),
        (REFERENCES / "pubmed-export-seed-references.csv", "pubmed-csv", [2, 3, 4]),
        (FIXTURES / "seed-references.nbib", "medline", [1, 15, 29]),
        (FIXTURES / "seed-references.ris", "ris", [1, 16, 29]),
    ],
)
def test_every_reader_gives_the_same_three_seed_records(path: Path, expected_format, lines):
    record_format, records, issues = read_records(path.read_bytes())
    assert (record_format, issues) == (expected_format, [])
    assert [tuple(record[c] for c in COLUMNS) for record in records] == SEED_RECORDS
    assert [record["line_no"] for record in records] == lines
    assert not any(record["retracted"] for record in records)


def test_journal_full_titles_where_the_format_carries_them():
    _, records, _ = read_records((REFERENCES / "pubmed-efetch-seed-references.xml").read_bytes())
    assert [r["journal_full"] for r in records] == [
        "Current opinion in investigational drugs (London, England : 2000)",
        None,
        "Expert opinion on investigational drugs",
    ]


def test_a_retracted_pubmed_record_is_flagged_with_its_notice():
    _, [record], _ = read_records((FIXTURES / "retracted-synthetic.xml").read_bytes())
    assert record["retracted"] is True
    assert record["retraction_note"] == "Retraction in: J Synth Ex. 2013;2:1"
    assert record["publication_types"] == ["Journal Article", "Retracted Publication"]
    assert (
        record["title"] == "A synthetic trial of topical calcineurin inhibitors & corticosteroids."
    )
    assert record["authors"] == ["Synthetic Study Group", "Example A"]
    assert (record["year"], record["month"], record["pages"]) == (2012, None, "10-19")


def test_retraction_marks_in_csv_ris_and_medline():
    csv_text = (
        "PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,Create Date,PMCID,NIHMS ID,DOI\n"
        "1,RETRACTED: A synthetic title,Doe J.,J Synth Ex. 2012 Mar;1(2):3-4.,Doe J,J Synth Ex,2012,,,,\n"
    )
    ris = "TY  - JOUR\nTI  - A synthetic title\nN1  - Retraction in: J Synth Ex. 2013\nER  - \n"
    medline = (
        "PMID- 1\nTI  - A synthetic title\nPT  - Journal Article\nPT  - Retracted Publication\n"
    )
    for text in (csv_text, ris, medline):
        _, [record], _ = read_records(text.encode())
        assert record["retracted"] is True, text


def test_xml_with_entity_declarations_is_refused_before_parsing():
    billion_laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
        b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
        b"<PubmedArticleSet>&lol2;</PubmedArticleSet>\n"
    )
    external = (
        b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
        b"<PubmedArticleSet><PubmedArticle>&e;</PubmedArticle></PubmedArticleSet>\n"
    )
    for data, line in ((billion_laughs, 3), (external, 2)):
        with pytest.raises(FileError) as raised:
            read_records(data)
        assert (raised.value.error, raised.value.line_no) == ("unsafe_xml", line)


def test_broken_or_foreign_xml_names_its_line():
    with pytest.raises(FileError) as broken:
        read_records(
            b'<?xml version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle>\n</PubmedArticleSet>\n'
        )
    assert (broken.value.error, broken.value.line_no) == ("unreadable", 4)
    with pytest.raises(FileError) as foreign:
        read_records(b'<?xml version="1.0"?>\n<feed><entry/></feed>\n')
    assert foreign.value.error == "unknown_format" and "<feed>" in str(foreign.value)


def test_xml_broken_after_some_records_keeps_them_and_names_the_line():
    whole = (REFERENCES / "pubmed-efetch-seed-references.xml").read_bytes()
    cut = whole[: whole.index(b"<PubmedArticle>", whole.index(b"</PubmedArticle>"))]
    broken = cut + b"<PubmedArticle><MedlineCitation>\n<PMID>1</PMID></Medline>\n"
    record_format, records, [issue] = read_records(broken)
    assert (record_format, [r["pmid"] for r in records]) == ("pubmed-xml", ["12090545"])
    assert issue.error == "unreadable" and issue.line_no == broken.count(b"\n")
    assert issue.message.endswith("; the 1 records before this line are kept")


def test_a_bibliographic_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(FileError) as raised:
        read_records(b"TY  - JOUR\n" * (MAX_RECORDS_BYTES // 11 + 1))
    assert raised.value.error == "too_large"
    assert "over the 32 MB limit for one bibliographic file; split the export" in str(raised.value)


def test_format_is_sniffed_from_content():
    assert sniff(b"\xef\xbb\xbfPMID,Title,Authors\n") == "pubmed-csv"
    assert sniff(b"PMID- 1\nTI  - x\n") == "medline"
    assert sniff(b"\nTY  - JOUR\n") == "ris"
    assert sniff(b"<!DOCTYPE html><html><body>") is None
    assert sniff(b"name,value\n") is None


def test_a_ris_record_cut_short_by_the_next_one_is_kept_and_reported():
    ris = (
        "TY  - JOUR\nTI  - First, never closed\nAN  - 111\n"
        "TY  - JOUR\nTI  - Second\nAN  - 222\nER  - \n"
    )
    record_format, records, [issue] = read_records(ris.encode())
    assert (record_format, [(r["pmid"], r["title"], r["line_no"]) for r in records]) == (
        "ris",
        [("111", "First, never closed", 1), ("222", "Second", 4)],
    )
    assert (issue.line_no, issue.error) == (1, "record_shape")
    assert issue.message == (
        "RIS record has no closing 'ER  -' line before the next record at line 4; "
        "it was read up to there"
    )
