"""CSV rows: a stray quote costs its own row and names the lines it swallowed; a huge cell costs
its row; quoted newlines that are a cell's own are kept."""

from pipelines.read.csv_rows import MAX_CELL_CHARS, read_csv_rows
from tests.conftest import DATA


def test_a_quote_left_open_costs_one_row_and_the_rows_it_swallowed_are_read():
    text = (DATA / "hostile" / "estimates" / "open-quote.csv").read_text()
    header, rows, [issue] = read_csv_rows(text)
    assert len(header) == 18
    assert [(line, row["timepoint"], row["note"]) for line, row in rows] == [
        (2, "3 weeks", "closed"),
        (4, "12 weeks", "swallowed once"),
        (5, "24 weeks", "swallowed twice"),
    ]
    assert (issue.line_no, issue.error) == (3, "open_quote")
    assert issue.message.startswith(
        "a quote opened on this line runs on to line 5, swallowing lines 4 to 5; this row is not "
        "read, the lines it swallowed are read as rows"
    )


def test_a_quote_that_closes_on_a_later_row_gives_back_the_rows_between():
    text = 'a,b,c\n1,2,"x\n3,4,y\n\n5,6,"z"\n7,8,w\n9,"multi\nline",ok\n'
    _, rows, [issue] = read_csv_rows(text)
    assert rows == [
        (3, {"a": "3", "b": "4", "c": "y"}),
        (5, {"a": "5", "b": "6", "c": "z"}),
        (6, {"a": "7", "b": "8", "c": "w"}),
        (7, {"a": "9", "b": "multi\nline", "c": "ok"}),
    ]
    assert (issue.line_no, issue.error) == (2, "open_quote")


def test_a_cell_over_the_limit_costs_its_row_not_the_file():
    long = "x" * (MAX_CELL_CHARS + 1)
    _, rows, [issue] = read_csv_rows(f"a,b\n1,{long}\n2,short\n")
    assert rows == [(3, {"a": "2", "b": "short"})]
    assert (issue.line_no, issue.error) == (2, "cell_too_large")
    assert issue.message == (
        "the b cell holds 65,537 characters, over the 65,536 a cell may hold; the row is not read"
    )
    _, rows, issues = read_csv_rows(f"a,b\n1,{'y' * 200_000}\n")  # over csv's own 128 KiB limit
    assert rows == [] and [i.error for i in issues] == ["cell_too_large"]
