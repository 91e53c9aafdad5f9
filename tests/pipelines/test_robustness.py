"""The same findings whatever a table's header words, column order, rendering or typography.

Every dev-set guide and the seed is read as printed, then again after each transformation of its
tables; the transformed findings are scored field by field against the original's (the arms
swapped: against the original with the arms and directions swapped). The score of each
transformation is printed (`pytest -s`), and each must reach MIN_ACCURACY.

Transformations of the parsed tables (every guide, text and HTML): header words replaced by
neutral labels, headers removed, columns reversed, arms swapped, typography (curly quotes, en
dashes, non-breaking spaces). Of the text itself (text guides): every table re-rendered as
tab-separated, pipe and space-aligned text, one body row's tabs turned into spaces, and the whole
guide as an HTML page (tables with <thead> and group rows spanning the row).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from html import escape

import pytest

from pipelines.interpret.columns import COMPARATIVE, COMPARISON_JOINER, is_comparison, table_roles
from pipelines.interpret.normalize import normalize_guide
from pipelines.read.guide import parse_guide
from pipelines.read.guide_html import parse_guide_html
from pipelines.read.guide_text import parse_guide_text
from pipelines.read.parsed_guide import ParsedGuide
from pipelines.read.tables.model import Cell, Row, Table
from tests.conftest import DATA, SEED
from tests.pipelines.test_validate import pulled_file

GUIDES = sorted([SEED, *(DATA / "devset" / "guides").iterdir()])
TEXT_GUIDES = [path for path in GUIDES if path.suffix == ".txt"]


def keyed(*parts: str) -> list:
    """The guides a part of the dev set's key covers."""
    names = {
        json.loads(line)["guide"]
        for part in parts
        for line in (DATA / "devset" / "key" / f"findings-{part}.jsonl").read_text().splitlines()
    }
    return [path for path in GUIDES if path.name in names]


# The table transformations (headers, columns, arms) hold on the parts whose findings are read
# (a, b, d); part e's arms in separate columns and captions are issue 34's.
READ_GUIDES = keyed("seed", "a", "b", "d")
MIN_ACCURACY = 98.0
FIELDS = (
    "condition", "outcome", "intervention", "intervention_strength_pct", "intervention_potency",
    "comparator", "comparator_strength_pct", "comparator_potency", "population", "severity",
    "direction", "evidence_grade",
)  # fmt: skip
SWAPPED = {
    "intervention": "comparator",
    "comparator": "intervention",
    "intervention_strength_pct": "comparator_strength_pct",
    "comparator_strength_pct": "intervention_strength_pct",
    "intervention_potency": "comparator_potency",
    "comparator_potency": "intervention_potency",
}
DIRECTION_SWAPPED = {
    "favours_intervention": "favours_comparator",
    "favours_comparator": "favours_intervention",
}
TYPOGRAPHY = str.maketrans({"'": "\u2019", "-": "\u2013", " ": "\u00a0"})


def findings(path, guide: ParsedGuide, vocab) -> dict[tuple, dict]:
    rows = normalize_guide(pulled_file(path), guide, vocab)["core.findings"]
    return {(r["table_no"], r["row_no"], r["statement_no"]): r for r in rows}


def accuracy(expected: dict[tuple, dict], got: dict[tuple, dict]) -> tuple[int, int]:
    right = sum(
        key in got and got[key][field] == finding[field]
        for key, finding in expected.items()
        for field in FIELDS
    )
    return right, len(expected) * len(FIELDS)


def with_tables(guide: ParsedGuide, change: Callable[[Table], Table]) -> ParsedGuide:
    return replace(guide, tables=[change(table) for table in guide.tables])


def neutral_headers(table: Table) -> Table:
    return replace(table, header=tuple(f"Column {i}" for i, _ in enumerate(table.header, 1)))


def no_headers(table: Table) -> Table:
    return replace(table, header=tuple("" for _ in table.header))


def reversed_columns(table: Table) -> Table:
    rows = tuple(replace(row, cells=row.cells[::-1]) for row in table.rows)
    return replace(table, header=table.header[::-1], rows=rows)


def typographic(table: Table) -> Table:
    def cells(row: Row) -> tuple[Cell, ...]:
        return tuple(replace(cell, text=cell.text.translate(TYPOGRAPHY)) for cell in row.cells)

    return replace(table, rows=tuple(replace(row, cells=cells(row)) for row in table.rows))


def swapped_arms(vocab) -> Callable[[Table], Table]:
    """Every comparison cell's arms in the other order, and what a result prints in the
    comparison's order turned with them: arm numbers ('54.5% vs. 23.8%') and ratios with their
    intervals (inverted), so that the table says the same thing."""

    def swap(cell: Cell) -> Cell:
        if is_comparison(cell.text, vocab):
            head, aside = re.match(r"^(.*?)((?:\s*\([^()]*\))*)$", cell.text).groups()
            first, second = COMPARISON_JOINER.split(head)
            return replace(cell, text=f"{second} vs. {first}{aside}")
        text = ARM_NUMBERS.sub(lambda m: f"{m['second']} vs. {m['first']}", cell.text)
        return replace(cell, text=RATIO.sub(_inverted, text))

    def change(table: Table) -> Table:
        rows = tuple(replace(row, cells=tuple(map(swap, row.cells))) for row in table.rows)
        return replace(table, rows=rows)

    return change


ARM_NUMBERS = re.compile(
    r"(?P<first>\d+(?:\.\d+)?(?:[\u2013-]\d+(?:\.\d+)?)?%)\s*vs\.?\s*(?P<second>\d+(?:\.\d+)?(?:[\u2013-]\d+(?:\.\d+)?)?%)"
)
RATIO = re.compile(
    r"\b(?P<measure>(?:OR|RR|HR)(?: [a-z]+){0,4}) (?P<value>\d+\.\d+) \(95% CI (?P<low>\d+\.\d+)[\u2013-](?P<high>\d+\.\d+)\)"
)


def _inverted(ratio: re.Match[str]) -> str:
    value, low, high = (1 / float(ratio[name]) for name in ("value", "low", "high"))
    return f"{ratio['measure']} {value:.2f} (95% CI {high:.2f}\u2013{low:.2f})"


def swapped_expectation(expected: dict[tuple, dict]) -> dict[tuple, dict]:
    turned = {}
    for key, finding in expected.items():
        row = {SWAPPED.get(field, field): value for field, value in finding.items()}
        row["direction"] = DIRECTION_SWAPPED.get(finding["direction"], finding["direction"])
        turned[key] = row
    return turned


PARSED = {
    "neutral headers": neutral_headers,
    "headers removed": no_headers,
    "columns reversed": reversed_columns,
    "typography": typographic,
}


def rendered(text: str, guide: ParsedGuide, rendering: str, spaced_row: bool = False) -> str:
    """The text with every table's own lines (from its header to its last row) printed anew in
    `rendering`."""
    lines = page_lines(text)
    for table in sorted(guide.tables, key=lambda t: -t.line_no):
        if not table.rows or not table.span[0]:
            continue
        start, end = table.span[0] - 1, table.span[1]
        block = _render([table.header, *_grouped(table)], rendering)
        if spaced_row and rendering == "tab" and len(block) > 2:
            block[2] = block[2].replace("\t", "    ")
        lines[start:end] = block
        if rendering == "PDF text" and table.numbered:
            lines[table.line_no - 1 : table.line_no] = _two_lines(lines[table.line_no - 1])
    return "\n".join(lines) + "\n"


def as_html(text: str, guide: ParsedGuide, rich: bool = False) -> str:
    """The text guide as a page: headings as <hN>, every table as a <table> (header in <thead>,
    group rows as one cell spanning the row), every other line as a paragraph. `rich`: as pages
    write them too: the table in a <figure> captioned by its <figcaption> under it, a header of
    two rows (a label spanning every column over the labels), each row's first cell a
    <th scope="row"> with an <abbr> in it, spaces as &nbsp;, and a decorative table nested in
    each row's last cell."""
    lines = page_lines(text)
    blocks: dict[int, tuple[int, str]] = {}
    for table in guide.tables:
        if table.rows and table.span[0]:
            rows = [table.header, *_grouped(table)]
            between = lines[table.line_no : table.span[0] - 1]
            notes = "".join(f"<p>{escape(line)}</p>" for line in between if line.strip())
            caption = escape(lines[table.line_no - 1])
            page = _html_table(rows, caption if rich else None)
            html = notes + page if rich else f"<p>{caption}</p>{notes}{page}"
            blocks[table.line_no] = (table.span[1], html)
    out, index = [], 0
    while index < len(lines):
        if index + 1 in blocks:
            end, page = blocks[index + 1]
            out.append(page)
            index = end
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", lines[index])
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{escape(heading.group(2))}</h{level}>")
        elif lines[index].strip():
            # a paragraph wrapped over lines (a PDF's text) is one <p>, as a page prints it
            wrapped = out and out[-1].startswith("<p>") and index and lines[index - 1].strip()
            continues = wrapped and not re.search(r"[.!?:]\W*(?:\[\d+\])*\s*$", lines[index - 1])
            if continues and index + 1 not in blocks:
                out[-1] = out[-1][: -len("</p>")] + f"\n{escape(lines[index])}</p>"
            else:
                out.append(f"<p>{escape(lines[index])}</p>")
        index += 1
    return "<!DOCTYPE html>\n<html><body><main>\n" + "\n".join(out) + "\n</main></body></html>\n"


def page_lines(text: str) -> list[str]:
    """The lines as the reader numbers them: a form feed breaks a page, not a line."""
    return re.sub("\n?\x0c", "\n", text).splitlines()


def _html_table(rows: list[tuple[str, ...]], figcaption: str | None) -> str:
    width = len(rows[0])
    head = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    if figcaption is None:
        body = "".join(_html_row(row, width) for row in rows[1:])
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    top = f"<tr><th colspan='{width}'>Evidence</th></tr>"
    body = "".join(_rich_row(row, width) for row in rows[1:])
    table = f"<table><thead>{top}<tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f"<figure>{table}<figcaption>{figcaption}</figcaption></figure>"


def _rich_row(row: tuple[str, ...], width: int) -> str:
    if row[0] and not any(row[1:]) and width >= 3:
        return f"<tr><th colspan='{width}' scope='colgroup'>{_nbsp(row[0])}</th></tr>"
    first, *rest = row
    word, _, tail = first.partition(" ")
    label = f"<abbr title='{escape(word)}'>{escape(word)}</abbr> {_nbsp(tail)}" if word else ""
    cells = [f"<th scope='row'>{label}</th>", *(f"<td>{_nbsp(cell)}</td>" for cell in rest)]
    dots = "<table class='dots' role='presentation'><tr><td></td><td></td></tr></table>"
    cells[-1] = cells[-1].replace("</td>", f"{dots}</td>") if rest else cells[-1]
    return "<tr>" + "".join(cells) + "</tr>"


def _nbsp(text: str) -> str:
    return escape(text).replace(" ", "&nbsp;")


def _html_row(row: tuple[str, ...], width: int) -> str:
    if row[0] and not any(row[1:]) and width >= 3:
        return f"<tr><td colspan='{width}'>{escape(row[0])}</td></tr>"
    return "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>"


def _grouped(table: Table) -> list[tuple[str, ...]]:
    width = len(table.header)
    rows: list[tuple[str, ...]] = []
    group = None
    for row in table.rows:
        if row.group != group and row.group:
            rows.append((row.group, *[""] * (width - 1)))
        group = row.group
        rows.append(tuple(cell.text for cell in row.cells))
    return rows


def _render(rows: list[tuple[str, ...]], rendering: str) -> list[str]:
    header, body = rows[0], rows[1:]
    if rendering == "tab":
        return ["\t".join(row) for row in rows]
    if rendering == "pipe":
        rule = "|" + "|".join("---" for _ in header) + "|"
        lines = ["| " + " | ".join(row) + " |" for row in rows]
        return [lines[0], rule, *lines[1:]]
    if rendering == "pipe, no outer bars":
        return [
            " | ".join(header),
            " | ".join("---" for _ in header),
            *(" | ".join(r) for r in body),
        ]
    if rendering == "grid":
        return _grid(header, body)
    if rendering == "multiline":
        return _multiline(header, body)
    if rendering == "simple":
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        return [
            _aligned(header, widths),
            "  ".join("-" * w for w in widths),
            *(_aligned(row, widths) for row in body),
        ]
    if rendering.startswith("cards"):
        return _cards(header, body, bold="bold" in rendering)
    if rendering == "PDF text":
        return _pdf(header, body)
    widths = [max(len(row[i]) for row in rows) + 2 for i in range(len(header))]
    return [
        "".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


WRAP = 22  # characters per line of a wrapped cell
LIGATURES = {"ffi": "\ufb03", "fi": "\ufb01", "fl": "\ufb02", "ff": "\ufb00"}


def _aligned(row: tuple[str, ...], widths: list[int]) -> str:
    return "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()


def _wrapped(text: str, width: int = WRAP, hyphenate: bool = False) -> list[str]:
    """A cell's text over lines of at most `width` characters, at spaces; a word too long for
    the line is broken with a hyphen when `hyphenate` (as a PDF's text has it)."""
    lines, line = [], ""
    for word in text.split():
        while hyphenate and len(word) > width // 2 and len(line) + len(word) + 1 > width:
            room = width - len(line) - (1 if line else 0) - 1
            if room < 4 or not word[:room].isalpha():
                break
            lines.append(f"{line} {word[:room]}-".strip())
            line, word = "", word[room:]
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines or [""]


def _stacked(
    row: tuple[str, ...], widths: list[int], hyphenate: bool = False
) -> list[tuple[str, ...]]:
    """A row's cells wrapped, as lines of cell fragments (empty where a cell ends early)."""
    parts = [
        _wrapped(cell, width, hyphenate) if cell else [""]
        for cell, width in zip(row, widths, strict=True)
    ]
    height = max(len(part) for part in parts)
    return [tuple(part[i] if i < len(part) else "" for part in parts) for i in range(height)]


def _widths(header: tuple[str, ...], body: list[tuple[str, ...]]) -> list[int]:
    """WRAP, or a column's longest word when longer."""
    rows = [header, *body]
    return [
        max(WRAP, *(len(word) for row in rows if row[i] for word in row[i].split()))
        for i in range(len(header))
    ]


def _grid(header: tuple[str, ...], body: list[tuple[str, ...]]) -> list[str]:
    widths = _widths(header, body)
    border = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def block(row: tuple[str, ...]) -> list[str]:
        if row[0] and not any(row[1:]) and len(row) >= 3:  # a group row spans the table
            inner = sum(widths) + 3 * (len(widths) - 1)
            return ["| " + fragment.ljust(inner) + " |" for fragment in _wrapped(row[0], inner)]
        return [
            "| " + " | ".join(f.ljust(w) for f, w in zip(line, widths, strict=True)) + " |"
            for line in _stacked(row, widths)
        ]

    lines = [border, *block(header), border.replace("-", "=")]
    for row in body:
        lines += [*block(row), border]
    return lines


def _multiline(header: tuple[str, ...], body: list[tuple[str, ...]]) -> list[str]:
    widths = _widths(header, body)
    full = "-" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [full, *(_aligned(line, widths) for line in _stacked(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines += [*(_aligned(line, widths) for line in _stacked(row, widths)), ""]
    return [*lines[:-1], full]


def _cards(header: tuple[str, ...], body: list[tuple[str, ...]], bold: bool) -> list[str]:
    labels = [label or f"Column {i}" for i, label in enumerate(header, 1)]
    lines: list[str] = []
    group = None
    for row in body:
        if row[0] and not any(row[1:]) and len(row) >= 3:
            group = row[0]
            continue
        fields = ([("Group", group)] if group else []) + list(zip(labels, row, strict=True))
        for label, value in fields:
            lines.append(f"**{label}:** {value}  " if bold else f"{label}: {value}")
        lines.append("")
    return lines[:-1]


def _pdf(header: tuple[str, ...], body: list[tuple[str, ...]]) -> list[str]:
    """Aligned columns as a PDF's text gives them: cells wrapped onto the lines below (long
    words hyphenated), ligatures (a line one character shorter after each), group rows on one
    line across the columns, and a page broken after the second row, with its footer, running
    title and the header again."""
    widths = [max(WRAP, len(cell)) for cell in header]
    header_line = _aligned(header, widths)
    lines = [header_line]
    for number, row in enumerate(body):
        if number == 2:
            lines += [
                "BenchChem \u00b7 Comparative Guide \u00b7 For research use only"
                + " " * 30
                + "Page 1 of 2",
                "\fA running title of the guide" + " " * 40 + "BenchChem",
                header_line,
            ]
        if not any(row[1:]):  # a group row spans the table: one line across the columns
            lines.append(row[0])
            continue
        for line in _stacked(row, widths, hyphenate=True):
            lines.append(_aligned(line, widths))
    return [_with_ligatures(line) for line in lines]


def _with_ligatures(line: str) -> str:
    for letters, ligature in LIGATURES.items():
        line = line.replace(letters, ligature)
    return line


def _two_lines(caption: str) -> list[str]:
    """A caption wrapped over two lines, as a PDF's text prints a long one."""
    words = caption.split()
    if len(words) < 6:
        return [caption]
    half = len(words) // 2
    return [" ".join(words[:half]), " ".join(words[half:])]


SCORES: dict[str, list[int]] = {}


@pytest.mark.parametrize("name", [*PARSED, "arms swapped"])
def test_the_parsed_tables_transformed_give_the_same_findings(vocab, name):
    right = total = 0
    for path in READ_GUIDES:
        guide = parse_guide(path.read_bytes())
        expected = findings(path, guide, vocab)
        if name == "arms swapped":
            got = findings(path, with_tables(guide, swapped_arms(vocab)), vocab)
            scored = accuracy(swapped_expectation(expected), got)
        else:
            scored = accuracy(expected, findings(path, with_tables(guide, PARSED[name]), vocab))
        right, total = right + scored[0], total + scored[1]
    print(f"robustness {name}: {100 * right / total:.1f} % of {total} fields")
    assert 100 * right / total >= MIN_ACCURACY


@pytest.mark.parametrize("rich", [False, True], ids=["plain", "figures and row headers"])
def test_every_text_guide_as_an_html_page_gives_the_same_findings(vocab, rich):
    right = total = 0
    for path in TEXT_GUIDES:
        text = path.read_text(encoding="utf-8")
        guide = parse_guide_text(text)
        expected = findings(path, guide, vocab)
        page = parse_guide_html(as_html(text, guide, rich))
        scored = accuracy(expected, findings(path, page, vocab))
        right, total = right + scored[0], total + scored[1]
    kind = "figures and row headers" if rich else "plain"
    print(f"robustness as HTML, {kind}: {100 * right / total:.1f} % of {total} fields")
    assert 100 * right / total >= MIN_ACCURACY


TEXT_RENDERINGS = [
    "tab", "pipe", "pipe, no outer bars", "aligned", "tab, one row spaced", "grid", "multiline",
    "simple", "cards", "cards, bold labels", "PDF text",
]  # fmt: skip


@pytest.mark.parametrize("rendering", TEXT_RENDERINGS)
def test_every_text_rendering_of_the_tables_gives_the_same_findings(vocab, rendering):
    right = total = 0
    for path in TEXT_GUIDES:
        text = path.read_text(encoding="utf-8")
        guide = parse_guide_text(text)
        expected = findings(path, guide, vocab)
        spaced = "spaced" in rendering
        kind = "tab" if spaced else rendering
        changed = parse_guide_text(rendered(text, guide, kind, spaced))
        scored = accuracy(expected, findings(path, changed, vocab))
        right, total = right + scored[0], total + scored[1]
        if spaced and any(table.rows for table in guide.tables):
            assert any("separated by spaces" in issue.message for issue in changed.issues), path
    print(f"robustness {rendering}: {100 * right / total:.1f} % of {total} fields")
    assert 100 * right / total >= MIN_ACCURACY


# The layouts: each table's arms moved out of their column (into the caption, into group rows,
# into the column headers) and results given as the numbers they summarize. Tables are split or
# pivoted, so findings are paired by what they say (the most fields in common, table by table),
# not by row number.
def layouts(vocab) -> dict[str, Callable[[Table, list[dict]], list[Table]]]:
    def columns(table: Table) -> dict[str, int] | None:
        roles = table_roles(table, vocab)
        if roles.kind != COMPARATIVE or any(row.group for row in table.rows):
            return None
        return {role: positions[0] for role, positions in roles.by_role.items()}

    def without(cells: tuple, column: int) -> tuple:
        return cells[:column] + cells[column + 1 :]

    def in_caption(table: Table, _: list[dict]) -> list[Table]:
        roles = columns(table)
        if roles is None or "comparison" not in roles:
            return [table]
        at = roles["comparison"]
        runs: list[list[Row]] = []
        for row in table.rows:
            if runs and runs[-1][0].cells[at].text == row.cells[at].text:
                runs[-1].append(row)
            else:
                runs.append([row])
        return [
            replace(
                table,
                title=f"{run[0].cells[at].text}: {table.title}",
                header=without(table.header, at),
                rows=tuple(replace(row, cells=without(row.cells, at)) for row in run),
            )
            for run in runs
        ]

    def in_groups(table: Table, _: list[dict]) -> list[Table]:
        roles = columns(table)
        if roles is None or "comparison" not in roles:
            return [table]
        at = roles["comparison"]
        rows = tuple(
            replace(row, cells=without(row.cells, at), group=row.cells[at].text)
            for row in table.rows
        )
        return [replace(table, header=without(table.header, at), rows=rows)]

    def in_headers(table: Table, _: list[dict]) -> list[Table]:
        roles = columns(table)
        if roles is None or set(roles) - {"evidence_grade"} != {"comparison", "outcome", "result"}:
            return [table]
        text = {role: [row.cells[at].text for row in table.rows] for role, at in roles.items()}
        pairs = list(zip(text["outcome"], text["comparison"], strict=True))
        grades = dict(
            zip(text["comparison"], text.get("evidence_grade", [""] * len(pairs)), strict=True)
        )
        uniform = all(
            grades[c] == g
            for c, g in zip(
                text["comparison"], text.get("evidence_grade", [""] * len(pairs)), strict=True
            )
        )
        if len(set(pairs)) != len(pairs) or not uniform:
            return [table]
        compared = list(dict.fromkeys(text["comparison"]))
        results = dict(zip(pairs, text["result"], strict=True))
        body = [
            (outcome, *(results.get((outcome, c), "") for c in compared))
            for outcome in dict.fromkeys(text["outcome"])
        ]
        if "evidence_grade" in roles:
            body.append(("Certainty of evidence", *(grades[c] for c in compared)))
        rows = tuple(
            Row(
                number,
                table.line_no + number,
                tuple(Cell(t, table.line_no + number) for t in cells),
            )
            for number, cells in enumerate(body, 1)
        )
        return [replace(table, header=("Outcome", *compared), rows=rows)]

    def as_numbers(table: Table, found: list[dict]) -> list[Table]:
        roles = columns(table)
        if roles is None or "result" not in roles:
            return [table]
        at = roles["result"]
        by_row: dict[int, list[dict]] = {}
        for finding in found:
            by_row.setdefault(finding["row_no"], []).append(finding)
        rows = []
        for row in table.rows:
            effect = _summarized(by_row.get(row.row_no, []), row.cells[at].text, vocab)
            cells = [*row.cells, Cell(effect or "", row.line_no)]
            if effect:
                cells[at] = Cell("", row.line_no)
            rows.append(replace(row, cells=tuple(cells)))
        return [replace(table, header=(*table.header, "RR (95% CI)"), rows=tuple(rows))]

    return {
        "arms in the caption": in_caption,
        "arms in group rows": in_groups,
        "arms in the column headers": in_headers,
        "results as numbers": as_numbers,
    }


# A ratio and its interval for each direction, given whether more of the outcome is better.
EFFECTS = {
    ("favours_intervention", "higher"): "RR 1.80 (1.34 to 2.42)",
    ("favours_intervention", "lower"): "RR 0.55 (0.40 to 0.76)",
    ("favours_comparator", "higher"): "RR 0.55 (0.40 to 0.76)",
    ("favours_comparator", "lower"): "RR 1.80 (1.34 to 2.42)",
    ("no_difference", "higher"): "RR 1.05 (0.85 to 1.30)",
    ("no_difference", "lower"): "RR 1.05 (0.85 to 1.30)",
}


def _summarized(found: list[dict], words: str, vocab) -> str | None:
    """The effect a row's words summarize, when one statement says it and the words say nothing
    else a finding reads (who was studied, how severe)."""
    if len(found) != 1 or found[0]["outcome"] is None:
        return None
    finding = found[0]
    if (
        vocab.event_terms.find(finding["outcome_text"])
        or vocab.population_terms.find(words)
        or vocab.severity_terms.find(words)
        or re.search(r"\d+\s*(?:years|months)", words)
    ):
        return None
    return EFFECTS.get((finding["direction"], vocab.polarity.get(finding["outcome"])))


def paired_accuracy(expected: list[dict], got: list[dict]) -> tuple[int, int]:
    """Fields right when each expected finding is paired with the unpaired finding of its table
    that agrees with it on the most fields."""
    right, free = 0, list(got)
    for finding in expected:
        same = [f for f in free if f["table_no"] == finding["table_no"]]
        if same:
            best = max(same, key=lambda f: sum(f[field] == finding[field] for field in FIELDS))
            free.remove(best)
            right += sum(best[field] == finding[field] for field in FIELDS)
    return right, len(expected) * len(FIELDS)


@pytest.mark.parametrize(
    "name",
    [
        "arms in the caption",
        "arms in group rows",
        "arms in the column headers",
        "results as numbers",
    ],
)
def test_every_layout_of_the_tables_gives_the_same_findings(vocab, name):
    change = layouts(vocab)[name]
    right = total = 0
    changed_tables = 0
    for path in READ_GUIDES:
        guide = parse_guide(path.read_bytes())
        rows = normalize_guide(pulled_file(path), guide, vocab)["core.findings"]
        tables = []
        for table in guide.tables:
            found = [r for r in rows if r["table_no"] == table.table_no]
            laid = change(table, found)
            changed_tables += laid != [table]
            tables += laid
        got = normalize_guide(pulled_file(path), replace(guide, tables=tables), vocab)
        scored = paired_accuracy(rows, got["core.findings"])
        right, total = right + scored[0], total + scored[1]
    print(
        f"robustness {name}: {100 * right / total:.1f} % of {total} fields ({changed_tables} tables laid out anew)"
    )
    assert changed_tables and 100 * right / total >= MIN_ACCURACY
