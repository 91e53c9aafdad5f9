"""The release as people read it: report/index.html, one static page that opens from file:// with
no network and no script — the run summary and history, an evidence map, a forest plot per
finding with estimates, what changed, the data-quality tables and the references.

Every text that comes from a guide or a source is escaped (guides are untrusted input). Details
of a map cell show on hover or keyboard focus through CSS alone. Plots are inline SVG drawn here:
ratios on a log scale around 1, differences on a linear scale around 0, benefit-oriented (right
of the null is better with the intervention), excluded estimates drawn apart in grey with why.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import duckdb

from pipelines.interpret.treatments import arm_label
from schemas.evidence_checks import VERDICTS

DIRECTIONS = {
    "favours_intervention": ("favours the intervention", "#1b7f3b"),
    "favours_comparator": ("favours the comparator", "#b3541e"),
    "no_difference": ("no difference", "#6b6b6b"),
    "comparable": ("comparable", "#2b6cb0"),
    "unclassified": ("unclassified", "#ffffff"),
}
GRADE_MARKS = {"high": "●●●●", "moderate": "●●●○", "low": "●●○○", "very_low": "●○○○"}
MAP_LIMIT = 2000
# The first findings of a warehouse are chosen before any join: a join first would build a hash
# table of every finding's verdict (seconds at 100 000 guides) to show 2 000 of them.
FINDING_ORDER = "source_id, table_no, row_no, statement_no"
PLOT_LIMIT = 300
EXCLUDED_LIMIT = 10
TABLE_LIMIT = 200
_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#222}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top}
th{background:#f4f4f4;text-align:left}
.map td.cell{position:relative;min-width:6rem}
.finding{display:inline-block;margin:.1rem;padding:.1rem .3rem;border-radius:3px;border:1px solid #999;cursor:default}
.finding .detail{display:none;position:absolute;z-index:10;left:0;top:100%;width:28rem;background:#fffff3;border:1px solid #888;padding:.5rem;box-shadow:0 2px 6px #0004}
.finding:hover .detail,.finding:focus .detail,.finding:focus-within .detail{display:block}
.badge{font-size:.75rem;padding:0 .25rem;border-radius:2px;background:#eee;margin-left:.2rem}
.grade{font-size:.7rem;letter-spacing:-1px}
.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;border:1px solid #999;margin-right:.25rem}
.forest{margin:1rem 0 2rem}.forest svg{display:block}
.muted{color:#666}
"""


def release_report(con: duckdb.DuckDBPyConnection, summary: dict[str, Any]) -> str:
    """The page, from the warehouse being released and the run's summary (status, counts, …)."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>dermevidence release {escape(summary['release_id'])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>dermevidence release {escape(summary['release_id'])}</h1>",
        _summary(summary),
        _evidence_map(con),
        _forest_plots(con),
        _changes(con, summary),
        _quality(con),
        _references(con),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(summary: dict[str, Any]) -> str:
    counts = summary["rows"]
    items = [
        ("status", summary["status"]),
        ("findings", counts.get("core.findings", 0)),
        ("effect estimates", counts.get("core.effect_estimates", 0)),
        ("quarantined rows", counts.get("quality.quarantine", 0)),
        ("source errors", counts.get("quality.source_errors", 0)),
        ("since the previous release", summary.get("changes") or "first release"),
    ]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in items)
    earlier = summary.get("earlier_runs") or []
    recent = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(f'{value:%Y-%m-%d %H:%M:%S} UTC' if n == 0 else str(value or ''))}</td>"
            for n, value in enumerate(row)
        )
        + "</tr>"
        for row in earlier
    )
    runs = (
        "<table id='earlier-runs'><tr><th>started</th><th>status</th><th>release</th>"
        f"<th>quarantined</th><th>source errors</th></tr>{recent}</table>"
        if earlier
        else "<p class='muted'>none: this is the warehouse's first run</p>"
    )
    return f"<h2>Run</h2><table id='summary'>{rows}</table><h3>Earlier runs</h3>{runs}"


def _evidence_map(con: duckdb.DuckDBPyConnection) -> str:
    findings = con.sql(
        f"""SELECT f.finding_id, coalesce(o.label, f.outcome_text) AS outcome,
                   coalesce(ci.name, f.intervention_text) AS intervention, f.intervention_strength_pct,
                   f.intervention_potency, coalesce(cc.name, f.comparator_text) AS comparator,
                   f.comparator_strength_pct, f.comparator_potency, f.direction, f.evidence_grade,
                   f.result_text, coalesce(pop.label, f.population), coalesce(sev.label, f.severity),
                   e.verdict, e.reason, f.file, f.line_no, e.certainty, e.grade_check,
                   e.certainty_reason
            FROM (SELECT * FROM core.findings ORDER BY {FINDING_ORDER} LIMIT {MAP_LIMIT}) f
            LEFT JOIN core.evidence_checks e USING (finding_id)
            LEFT JOIN ref.outcomes o ON o.id = f.outcome
            LEFT JOIN ref.compounds ci ON ci.id = f.intervention
            LEFT JOIN ref.compounds cc ON cc.id = f.comparator
            LEFT JOIN ref.populations pop ON pop.id = f.population
            LEFT JOIN ref.severities sev ON sev.id = f.severity
            ORDER BY {FINDING_ORDER}"""
    ).fetchall()
    citations = _citations(con, [row[0] for row in findings])
    outcomes = sorted({row[1] for row in findings})
    comparisons = sorted({_comparison(row) for row in findings})
    cells: dict[tuple[str, str], list[str]] = {}
    for row in findings:
        cells.setdefault((row[1], _comparison(row)), []).append(
            _marker(row, citations.get(row[0], []))
        )
    head = "".join(f"<th scope='col'>{escape(c)}</th>" for c in comparisons)
    body = "".join(
        f"<tr><th scope='row'>{escape(outcome)}</th>"
        + "".join(
            f"<td class='cell' data-outcome='{escape(outcome)}' data-comparison='{escape(c)}'>"
            + "".join(cells.get((outcome, c), []))
            + "</td>"
            for c in comparisons
        )
        + "</tr>"
        for outcome in outcomes
    )
    legend = (
        "<b>Colour</b>: "
        + "".join(
            f"<span><i class='swatch' style='background:{colour}'></i>{escape(label)}</span>"
            for label, colour in DIRECTIONS.values()
        )
        + "<br><b>Dots</b>, the grade the guide prints: "
        + "".join(
            f"<span><span class='grade'>{marks}</span> {escape(grade.replace('_', ' '))}</span>"
            for grade, marks in GRADE_MARKS.items()
        )
        + "<br><b>Badge</b>, the verdict of the effect estimates: "
        + "".join(
            f"<span><span class='badge'>{escape(_words(verdict))}</span></span>"
            for verdict in VERDICTS
        )
    )
    note = (
        f"<p class='muted'>The first {MAP_LIMIT} findings are shown.</p>"
        if len(findings) == MAP_LIMIT
        else ""
    )
    return (
        "<h2>Evidence map</h2><p>Outcomes by comparison. Colour: which arm the finding favours; "
        "dots: evidence grade; badge: the verdict of the effect estimates. Hover or focus a "
        f"finding for its result, population, citations and the verdict's reason.</p>"
        f"<p class='legend'>{legend}</p>{note}"
        f"<table class='map'><tr><th></th>{head}</tr>{body}</table>"
    )


def _comparison(row: tuple) -> str:
    return f"{arm_label(row[2], row[3], row[4])} vs {arm_label(row[5], row[6], row[7])}"


def _marker(row: tuple, cited: list[tuple]) -> str:
    (finding_id, _, _, _, _, _, _, _, direction, grade, result, population, severity, verdict,
     reason, file, line_no, certainty, grade_check, certainty_reason) = row  # fmt: skip
    label, colour = DIRECTIONS.get(direction, (direction, "#fff"))
    label = _direction_words(direction, row) or label
    links = "".join(
        f"<li>[{ref_no}] {escape(title or '')}"
        + (
            f" <a href='https://pubmed.ncbi.nlm.nih.gov/{escape(pmid)}/'>PubMed {escape(pmid)}</a>"
            if pmid
            else ""
        )
        + "</li>"
        for ref_no, title, pmid in cited
    )
    detail = (
        f"<div class='detail' role='tooltip'><p><b>{escape(label)}</b>: {escape(result or '')}</p>"
        f"<p>Population: {escape(population)}; severity: {escape(severity)}; grade: {escape(grade or 'not printed')}</p>"
        f"<p>Citations:</p><ul class='citations'>{links or '<li>none</li>'}</ul>"
        f"<p>Verdict <b>{escape(_words(verdict or ''))}</b>: {escape(reason or '')}</p>"
        + (
            f"<p>Certainty check <b>{escape(certainty)}</b> "
            f"({escape((grade_check or '').replace('_', ' '))}): {escape(certainty_reason or '')}</p>"
            if certainty
            else ""
        )
        + f"<p class='muted'>{escape(file)}:{line_no}</p></div>"
    )
    return (
        f"<span class='finding' tabindex='0' data-finding='{escape(finding_id)}' "
        f"data-direction='{escape(direction)}' data-verdict='{escape(verdict or '')}' "
        f"style='background:{colour}'><span class='grade'>{GRADE_MARKS.get(grade, escape(grade or ''))}</span>"
        f"<span class='badge'>{escape(_words(verdict or ''))}</span>{detail}</span>"
    )


def _words(enum: str) -> str:
    """'no_estimates' → 'no estimates': an enum as a reader says it."""
    return enum.replace("_", " ")


def _direction_words(direction: str, row: tuple) -> str | None:
    """Which arm the finding favours, by name, as the guide prints the comparison."""
    intervention = arm_label(row[2], row[3], row[4])
    comparator = arm_label(row[5], row[6], row[7])
    return {
        "favours_intervention": f"favours {intervention} over {comparator}",
        "favours_comparator": f"favours {comparator} over {intervention}",
        "no_difference": f"no difference between {intervention} and {comparator}",
        "comparable": f"{intervention} comparable with {comparator}",
    }.get(direction)


def _citations(con: duckdb.DuckDBPyConnection, finding_ids: list[str]) -> dict[str, list[tuple]]:
    """The citations of the findings on the map only: all of them would be millions of rows."""
    cited: dict[str, list[tuple]] = {}
    for citing_id, ref_no, title, pmid in con.execute(
        "SELECT c.citing_id, c.ref_no, r.title, r.pmid FROM core.citations c "
        "JOIN core.references r USING (reference_id) WHERE c.citing_dataset = 'findings' "
        "AND c.citing_id IN (SELECT unnest($ids)) ORDER BY c.citing_id, c.ref_no",
        {"ids": finding_ids},
    ).fetchall():
        cited.setdefault(citing_id, []).append((ref_no, title, pmid))
    return cited


def _forest_plots(con: duckdb.DuckDBPyConnection) -> str:
    """The first PLOT_LIMIT findings with estimates, chosen in SQL: fetching every finding's
    estimates to plot a few hundred cost gigabytes at 100 000 guides."""
    with_estimates = (
        "FROM core.evidence_checks e JOIN core.findings f USING (finding_id) "
        "WHERE len(e.estimate_ids) + len(e.excluded_estimate_ids) > 0"
    )
    total = con.sql(f"SELECT count(*) {with_estimates}").fetchall()[0][0]
    rows = con.sql(
        f"""WITH chosen AS (
               SELECT e.finding_id {with_estimates}
               ORDER BY f.source_id, f.table_no, f.row_no, f.statement_no LIMIT {PLOT_LIMIT})
           SELECT e.finding_id, f.file, f.table_no, f.row_no, f.statement_no, e.verdict, e.reason,
                  x.estimate_id, x.file, x.line_no, x.measure, x.scale, x.evidence,
                  x.benefit_estimate, x.benefit_ci_low, x.benefit_ci_high, x.derivation IS NOT NULL,
                  list_contains(e.estimate_ids, x.estimate_id) AS counted, x.uncounted_reason,
                  list_contains(e.reversed_estimate_ids, x.estimate_id) AS turned
           FROM chosen
           JOIN core.evidence_checks e USING (finding_id)
           JOIN core.findings f USING (finding_id)
           JOIN core.effect_estimates x
             ON list_contains(e.estimate_ids, x.estimate_id)
             OR list_contains(e.excluded_estimate_ids, x.estimate_id)
           ORDER BY f.source_id, f.table_no, f.row_no, f.statement_no, counted DESC, x.file, x.line_no"""
    ).fetchall()
    by_finding: dict[str, list[tuple]] = {}
    for row in rows:
        by_finding.setdefault(row[0], []).append(row)
    plots = [_forest(estimates) for estimates in by_finding.values()]
    note = (
        f"<p class='muted'>The first {PLOT_LIMIT} of {total} findings with estimates "
        "are plotted; core.verdict_estimates has them all.</p>"
        if total > PLOT_LIMIT
        else ""
    )
    return (
        "<h2>Forest plots</h2><p>Benefit-oriented: right of the null line favours the "
        f"intervention.</p>{note}" + "".join(plots)
    )


def _forest(estimates: list[tuple]) -> str:
    first = estimates[0]
    title = f"{first[1]} table {first[2]} row {first[3]} statement {first[4]}"
    counted = [
        _for_the_finding(e) for e in estimates if e[17] and e[13] is not None and e[14] is not None
    ]
    excluded = [e for e in estimates if not e[17] or e[13] is None or e[14] is None]
    svgs = "".join(
        _svg([e for e in counted if _is_ratio(e) == ratio], ratio)
        for ratio in (True, False)
        if any(_is_ratio(e) == ratio for e in counted)
    )
    listed = "".join(
        f"<li class='excluded'>{escape(e[8].rsplit('/', 1)[-1])}:{e[9]} {escape(e[10])}: {escape(e[18] or 'not counted')}</li>"
        for e in excluded[:EXCLUDED_LIMIT]
    )
    if len(excluded) > EXCLUDED_LIMIT:
        listed += f"<li class='muted'>and {len(excluded) - EXCLUDED_LIMIT} more not counted</li>"
    return (
        f"<div class='forest' data-finding='{escape(first[0])}'><h3>{escape(title)}: "
        f"<span class='badge'>{escape(first[5])}</span></h3>"
        f"{svgs}{'<ul>' + listed + '</ul>' if listed else ''}</div>"
    )


def _for_the_finding(estimate: tuple) -> tuple:
    """An estimate reported the other way round, turned round as the verdict turned it."""
    if not estimate[19]:
        return estimate
    point, low, high = estimate[13:16]
    ratio = _is_ratio(estimate)
    turned = (1 / point, 1 / high, 1 / low) if ratio else (-point, -high, -low)
    return (*estimate[:13], *turned, *estimate[16:])


def _is_ratio(estimate: tuple) -> bool:
    return estimate[11] == "ratio" or bool(estimate[16])


def _svg(estimates: list[tuple], ratio: bool) -> str:
    width, left, right, step = 640, 260, 40, 22
    height = step * (len(estimates) + 1) + 20
    transform = (lambda v: math.log(v)) if ratio else (lambda v: v)
    null = 1.0 if ratio else 0.0
    values = [transform(v) for e in estimates for v in (e[14], e[15]) if not ratio or v > 0]
    low, high = min([*values, transform(null)]), max([*values, transform(null)])
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return left + (transform(value) - low) / span * (width - left - right)

    lines = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
        f"aria-label='{'ratio (log scale)' if ratio else 'difference'} forest plot'>",
        f"<line class='null' x1='{x(null):.1f}' x2='{x(null):.1f}' y1='5' y2='{height - 15}' stroke='#000' stroke-dasharray='3,3'/>",
        f"<text x='{x(null):.1f}' y='{height - 3}' font-size='11' text-anchor='middle'>{null:g}</text>",
    ]
    for n, e in enumerate(estimates, 1):
        y = n * step
        label = f"{e[8].rsplit('/', 1)[-1]}:{e[9]} {e[10]}{' (derived)' if e[16] else ''}{' indirect' if e[12] == 'indirect' else ''}"
        lines += [
            f"<text x='4' y='{y + 4}' font-size='11'>{escape(label)}</text>",
            f"<line x1='{x(e[14]):.1f}' x2='{x(e[15]):.1f}' y1='{y}' y2='{y}' stroke='#333'/>",
            f"<circle class='estimate' data-estimate='{escape(e[7])}' cx='{x(e[13]):.1f}' cy='{y}' r='4' fill='#1b4f9c'>"
            f"<title>{escape(label)}: {e[13]:.3g} [{e[14]:.3g}, {e[15]:.3g}]</title></circle>",
        ]
    return "".join(lines) + "</svg>"


def _changes(con: duckdb.DuckDBPyConnection, summary: dict[str, Any]) -> str:
    """Each change in words, verdict and certainty flips first."""
    return _section(
        con, "<h2>What changed</h2>", ("change", "dataset"),
        "SELECT description, dataset FROM meta.release_changes ORDER BY "
        "(dataset = 'core.evidence_checks' AND field IN ('verdict', 'certainty')) DESC, "
        "dataset, key, change, field",
        empty=summary.get("changes") or "first release",
    )  # fmt: skip


def _quality(con: duckdb.DuckDBPyConnection) -> str:
    sections = [
        ("Quarantined rows", ("dataset", "file", "line", "message"),
         "SELECT dataset, file, line_no, message FROM quality.quarantine ORDER BY file, line_no"),
        ("Source errors", ("file", "line", "error", "message"),
         "SELECT file, line_no, error, message FROM quality.source_errors ORDER BY file, line_no"),
        ("Terms that matched no vocabulary entry", ("vocabulary", "text", "file", "line", "closest", "score"),
         "SELECT vocabulary, text, file, line_no, runner_up, runner_up_score FROM quality.term_matches "
         "WHERE method = 'unmatched' ORDER BY vocabulary, text, file"),
        ("Checks not passing", ("check", "status", "rows", "detail"),
         "SELECT check_name, status, failing_rows, detail FROM quality.checks WHERE status <> 'pass' ORDER BY check_name"),
    ]  # fmt: skip
    return "<h2>Data quality</h2>" + "".join(
        _section(con, f"<h3>{escape(title)}</h3>", columns, query)
        for title, columns, query in sections
    )


def _references(con: duckdb.DuckDBPyConnection) -> str:
    return _section(
        con, "<h2>References</h2>", ("file", "no.", "title", "resolution", "score", "PMID"),
        "SELECT file, ref_no, title, match_method, match_score, coalesce(pmid, '') "
        "FROM core.references ORDER BY file, ref_no",
    )  # fmt: skip


def _section(
    con: duckdb.DuckDBPyConnection,
    heading: str,
    columns: tuple[str, ...],
    query: str,
    empty: str = "none",
) -> str:
    """A heading and the first TABLE_LIMIT rows of a query as a table."""
    return heading + _table(columns, con.sql(f"{query} LIMIT {TABLE_LIMIT}").fetchall(), empty)


def _table(columns: tuple[str, ...], rows: list[tuple], empty: str) -> str:
    if not rows:
        return f"<p class='muted'>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"
