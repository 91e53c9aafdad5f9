"""Hostile inputs through one real run: each problem recorded where a person can act on it, the
good rows of the same file published, nothing hangs, memory bounded."""

import csv
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.runtime import prefect_env
from tests.conftest import DATA, ROOT, SEED

HOSTILE = DATA / "hostile"
REGISTRY = """
[[source]]
id = "vocab"
kind = "vocab"
path = "vocab/*.csv"

[[source]]
id = "guides"
kind = "guide"
path = "guides/*"

[[source]]
id = "references"
kind = "references"
path = "references/*"

[[source]]
id = "estimates"
kind = "estimates"
path = "estimates/*"

[[source]]
id = "nested"
kind = "guide"
path = "nested/**/*.txt"
"""
# file → (where the problem is recorded, its error, check or unmatched term, (dataset, rows kept from the file))
CASES = {
    "guides/empty.txt": ("source_errors", "not_a_guide", None),
    "guides/binary.txt": ("source_errors", "unreadable", None),
    "guides/cp1252.txt": ("source_errors", "encoding", ("core.findings", 1)),
    "guides/mixed-encoding.txt": ("source_errors", "encoding", ("core.findings", 1)),
    "guides/nul-byte.txt": ("source_errors", "nul_byte", ("core.findings", 1)),
    "guides/pipe.txt": ("source_errors", "not_a_file", None),
    "guides/gone.txt": ("source_errors", "dangling_link", None),
    "guides/latin1.txt": ("source_errors", "encoding", ("core.findings", 1)),
    "guides/utf16-bom.txt": ("source_errors", "encoding", ("core.findings", 1)),
    "guides/crlf.txt": (None, None, ("core.findings", 1)),
    "guides/generated-50mb.txt": (None, None, ("core.findings", 1)),
    "guides/generated-1mb-line.txt": (None, None, ("core.findings", 1)),
    "guides/extra-columns.txt": ("source_errors", "table_shape", ("core.findings", 1)),
    "guides/missing-columns.txt": ("source_errors", "table_shape", ("core.findings", 1)),
    "guides/duplicated-columns.txt": ("source_errors", "table_header", ("core.findings", 1)),
    "guides/table-without-rows.txt": ("source_errors", "table_empty", ("core.findings", 1)),
    "guides/duplicate-table-numbers.txt": ("source_errors", "table_number", ("core.findings", 2)),
    # an unknown grade keeps its finding (grade null, the text kept) and is flagged
    "guides/unknown-grade.txt": ("term_matches", "Astonishing", ("core.findings", 2)),
    "guides/unknown-outcome.txt": ("term_matches", "Hair regrowth on the moon", ("core.findings", 2)),
    "guides/marker-without-reference.txt": ("quarantine", "reference_exists", ("core.findings", 2)),
    "guides/references-without-numbers.txt": ("source_errors", "reference_unnumbered", ("core.references", 1)),
    "guides/formula-cells.txt": ("term_matches", "@SUM(1)", ("core.findings", 3)),
    "guides/sql-looking.txt": (None, None, ("core.findings", 2)),
    "guides/script.html": (None, None, ("core.findings", 1)),
    "guides/deeply-nested.html": ("source_errors", "markup", ("core.findings", 1)),
    "guides/broken-tags.html": (None, None, ("core.findings", 1)),
    "references/billion-laughs.xml": ("source_errors", "unsafe_xml", None),
    "references/truncated.xml": ("source_errors", "unreadable", ("core.bibliographic_records", 1)),
    "references/generated-33mb.ris": ("source_errors", "too_large", None),
    "references/xxe.xml": ("source_errors", "unsafe_xml", None),
    "references/quoted-newlines.csv": (None, None, ("core.bibliographic_records", 2)),
    "references/ragged.csv": ("source_errors", "record_shape", ("core.bibliographic_records", 1)),
    "references/not-bibliographic.txt": ("source_errors", "unknown_format", None),
    "estimates/nan.csv": ("quarantine", "number", ("core.effect_estimates", 1)),
    "estimates/negative.csv": ("quarantine", "a ratio measure needs estimate, ci_low and ci_high above 0", ("core.effect_estimates", 1)),
    "estimates/non-numeric.csv": ("quarantine", "number", ("core.effect_estimates", 1)),
    "estimates/formula.csv": ("term_matches", "@atopic", ("core.effect_estimates", 2)),
    "estimates/quoted-newlines.csv": (None, None, ("core.effect_estimates", 2)),
    "estimates/ragged.csv": ("source_errors", "record_shape", ("core.effect_estimates", 1)),
    "estimates/interval-misses-estimate.csv": ("quarantine", "ci_low <= estimate <= ci_high does not hold", ("core.effect_estimates", 1)),
    "guides/nul-bytes-small.txt": ("source_errors", "nul_byte", ("core.findings", 1)),
    "guides/terminal-escapes.txt": ("source_errors", "control_bytes", ("core.findings", 1)),
    "guides/sign-in.html": ("source_errors", "not_a_guide", None),
    "guides/caf\\xe9-\x1b[31mred.txt": ("source_errors", "nul_byte", ("core.findings", 1)),
    "references/cut-ris.ris": ("source_errors", "record_shape", ("core.bibliographic_records", 2)),
    "estimates/open-quote.csv": ("source_errors", "open_quote", ("core.effect_estimates", 3)),
    "estimates/huge-number.csv": ("quarantine", "number", ("core.effect_estimates", 1)),
    "estimates/generated-200kb-cell.csv": ("source_errors", "cell_too_large", ("core.effect_estimates", 1)),
    "nested/a/seed.txt": ("source_errors", "same_file", ("core.findings", 10)),
    "nested/b/seed.txt": ("source_errors", "same_file", ("core.findings", 10)),
}  # fmt: skip


@pytest.fixture(scope="module")
def hostile_run(prefect_api, tmp_path_factory):
    """One `dermevidence run` over every hostile file, in its own process (so its memory is its own)."""
    raw = tmp_path_factory.mktemp("hostile") / "raw"
    shutil.copytree(HOSTILE, raw)
    shutil.copytree(ROOT / "raw" / "vocab", raw / "vocab")
    (raw / "sources.toml").write_text(REGISTRY)
    crlf = (raw / "guides" / "crlf.txt").read_bytes().decode().replace("\r\n", "\n")
    head, table = crlf.split("Table 1:")
    paragraph = "Filler prose about topical treatments that cites nothing. " * 12 + "\n\n"
    big = f"{head}{paragraph * (50 * 2**20 // len(paragraph))}Table 1:{table}"
    (raw / "guides" / "generated-50mb.txt").write_text(big)
    line = f"{head}{'one very long line ' * (2**20 // 19)}\n\nTable 1:{table}"
    (raw / "guides" / "generated-1mb-line.txt").write_text(line)
    os.mkfifo(raw / "guides" / "pipe.txt")  # a reader would wait on it for ever
    (raw / "guides" / "gone.txt").symlink_to(raw / "guides" / "deleted.txt")
    (raw / "references" / "generated-33mb.ris").write_bytes(
        b"TY  - JOUR\nTI  - A title\nER  - \n" * (33 * 2**20 // 30)
    )
    # A file name that is not UTF-8 and carries a terminal escape; a cell over the CSV limit.
    (raw / "guides" / os.fsdecode(b"caf\xe9-\x1b[31mred.txt")).write_bytes(
        (HOSTILE / "guides" / "nul-byte.txt").read_bytes()
    )
    estimates = (HOSTILE / "estimates" / "huge-number.csv").read_text().splitlines()
    (raw / "estimates" / "generated-200kb-cell.csv").write_text(
        "\n".join([estimates[0], estimates[1], estimates[1] + "x" * 200_000]) + "\n"
    )
    # A vocabulary line pasted twice, and an empty row: the first copy is kept.
    compounds = raw / "vocab" / "compounds.csv"
    line = next(x for x in compounds.read_text().splitlines() if x.startswith("tacrolimus,"))
    compounds.write_text(compounds.read_text() + line + "\n,,,,,,,\n")
    # Two guides of one name in two folders, and a link loop a recursive glob walks down.
    for folder in ("a", "b"):
        (raw / "nested" / folder).mkdir(parents=True)
        shutil.copy(SEED, raw / "nested" / folder / "seed.txt")
    (raw / "nested" / "a" / "up").symlink_to("..")
    env = {**os.environ, **prefect_env.DEFAULTS, "PREFECT_API_URL": prefect_api}
    command = [str(Path(sys.executable).parent / "dermevidence"), "run", "--sources", str(raw / "sources.toml"), "--warehouse", str(raw.parent / "warehouse")]  # fmt: skip
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    con = duckdb.connect(str(raw.parent / "warehouse" / "evidence.duckdb"), read_only=True)
    yield result, peak_mb, con
    con.close()


def test_the_run_finishes_with_issues_and_memory_stays_bounded(hostile_run):
    result, peak_mb, _ = hostile_run
    assert result.returncode == 3, result.stdout[-2000:] + result.stderr[-2000:]
    assert peak_mb < 1024  # a 50 MB guide is read whole; about 6 times its size at the peak


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_hostile_file_is_recorded_and_its_good_rows_kept(hostile_run, name):
    _, _, con = hostile_run
    place, what, kept = CASES[name]
    file = name  # files are named relative to the registry, as the corpus lays them out
    if place == "source_errors":
        rows = con.execute(
            "SELECT error, message FROM quality.source_errors WHERE file = ?", [file]
        ).fetchall()
        assert what in [error for error, _ in rows], rows
        assert all(len(message) > 20 for _, message in rows)
    elif place == "term_matches":  # an unknown open term keeps its finding and is flagged
        rows = con.execute(
            "SELECT text FROM quality.term_matches WHERE file = ? AND method = 'unmatched'", [file]
        ).fetchall()
        assert what in [text for (text,) in rows], rows
    elif place == "quarantine":
        rows = con.execute(
            'SELECT "check", message FROM quality.quarantine WHERE file = ?', [file]
        ).fetchall()
        assert what in [check for check, _ in rows], rows
        assert all(message.startswith(f"{file}:") for _, message in rows)
    else:
        problems = con.execute(
            "SELECT message FROM quality.source_errors WHERE file = ? UNION ALL SELECT message FROM quality.quarantine WHERE file = ?",
            [file, file],
        ).fetchall()
        assert problems == []
    if kept:
        dataset, count = kept
        got = con.execute(f"SELECT count(*) FROM {dataset} WHERE file = ?", [file]).fetchall()[0][0]
        assert got == count


def test_a_mixed_encoding_guide_keeps_its_utf8_lines_as_they_are(hostile_run):
    _, _, con = hostile_run
    [(title,)] = con.execute(
        "SELECT title FROM core.sources WHERE file = 'guides/mixed-encoding.txt'"
    ).fetchall()
    assert title == "Hostile case: mixed encodings \u2014 UTF-8 title, one cp1252 line"
    [(line_no, message)] = con.execute(
        "SELECT line_no, message FROM quality.source_errors WHERE file = 'guides/mixed-encoding.txt'"
    ).fetchall()
    assert line_no == 3 and message.startswith("not UTF-8 (byte at offset ")
    [(line_no, message)] = con.execute(
        "SELECT line_no, message FROM quality.source_errors WHERE file = 'guides/nul-byte.txt'"
    ).fetchall()
    assert (line_no, message) == (5, "NUL byte at offset 111 removed")


def test_hostile_text_is_stored_verbatim_and_never_executed(hostile_run):
    _, _, con = hostile_run
    claims = con.execute(
        "SELECT claim_text FROM core.claims WHERE file = 'guides/sql-looking.txt'"
    ).fetchall()
    assert claims == [("'; DELETE FROM core.sources; --",)]
    results = con.execute(
        "SELECT result_text FROM core.findings WHERE file = 'guides/sql-looking.txt' ORDER BY row_no"
    ).fetchall()
    assert results[1] == ("Robert'); DROP TABLE core.findings;-- is no worse.",)
    assert con.sql("SELECT count(*) FROM core.sources").fetchall()[0][0] >= 18
    titles = [
        t
        for (t,) in con.sql(
            "SELECT title FROM core.tables WHERE file = 'guides/script.html'"
        ).fetchall()
    ]
    assert titles == ["Tacrolimus vs. Pimecrolimus in Atopic Dermatitis"]
    newline_title = con.sql(
        "SELECT title FROM core.bibliographic_records WHERE pmid = '900001'"
    ).fetchall()
    assert newline_title == [("A synthetic title\nthat spans two lines, with a comma",)]
    assert con.sql(
        "SELECT count(*) FROM core.bibliographic_records WHERE title LIKE '%lol%' OR title LIKE '%root:%'"
    ).fetchall() == [(0,)]


def test_csv_renditions_neutralize_formulas_and_parquet_keeps_the_text(hostile_run):
    """OWASP's rule: a text cell that starts with =, +, -, @, tab or CR and is not a number is
    written to CSV after a "'"; the Parquet release and DuckDB keep it exactly as printed."""
    _, _, con = hostile_run
    [(database,)] = con.sql(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    warehouse = Path(database).parent
    formulas = ('=HYPERLINK("http://evil.example","x")', "@SUM(1)", "-2+3", "@atopic")
    stored = {
        text
        for (text,) in con.sql(
            "SELECT outcome_text FROM core.findings UNION ALL SELECT text FROM quality.term_matches "
            "UNION ALL SELECT value FROM quality.quarantine"
        ).fetchall()
    }
    assert set(formulas) <= stored
    cells = [
        cell
        for path in (warehouse / "exports" / "csv").rglob("*.csv")
        for row in csv.reader(path.open(encoding="utf-8", newline=""))
        for cell in row
    ]
    live = [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r", "-") and not _number(c)]
    assert live == []
    assert {f"'{formula}" for formula in formulas} <= set(cells)
    assert "-0.7" not in {c for c in cells if c.startswith("'")}  # numbers are left alone


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_pasted_vocabulary_line_keeps_its_first_copy_and_an_empty_row_is_skipped(hostile_run):
    _, _, con = hostile_run
    [(count, tacrolimus)] = con.sql(
        "SELECT count(*), count(*) FILTER (id = 'tacrolimus') FROM ref.compounds"
    ).fetchall()
    assert (count, tacrolimus) == (30, 1)
    rows = con.sql(
        "SELECT line_no, message FROM quality.quarantine WHERE dataset = 'ref.compounds'"
    ).fetchall()
    assert rows == [
        (
            32,
            "vocab/compounds.csv:32: id 'tacrolimus' occurs more than once in ref.compounds; "
            "the first, on line 7, is kept, this one is not",
        )
    ]


def test_counts_that_are_negative_or_too_large_say_so(hostile_run):
    _, _, con = hostile_run
    messages = con.sql(
        "SELECT message FROM quality.quarantine WHERE file = 'estimates/huge-number.csv' "
        "ORDER BY line_no"
    ).fetchall()
    assert messages == [
        (
            "estimates/huge-number.csv:3: n_participants '99999999999999999999999' is beyond the "
            "largest count a column holds (9,223,372,036,854,775,807); correct the source",
        ),
        (
            "estimates/huge-number.csv:4: n_trials '-3' is negative; a count is 0 or more; correct the source",
        ),
    ]


def test_file_names_are_stored_as_text_and_printed_without_escapes(hostile_run):
    result, _, con = hostile_run
    [(source_id,)] = con.sql(
        "SELECT source_id FROM core.sources WHERE file LIKE 'guides/caf%'"
    ).fetchall()
    assert source_id == "guides/caf\\xe9-\x1b[31mred.txt"
    assert sorted(
        con.sql("SELECT source_id FROM core.sources WHERE source_id LIKE 'nested/%'").fetchall()
    ) == [
        ("nested/a/seed.txt",),
        ("nested/b/seed.txt",),
    ]
    [(title,)] = con.sql(
        "SELECT title FROM core.sources WHERE file = 'guides/terminal-escapes.txt'"
    ).fetchall()
    assert title == "Hostile case: terminal escapes in the title"
    printed = result.stdout + result.stderr
    assert "\x1b" not in printed and "guides/caf\\xe9-\\x1b[31mred.txt" in printed
