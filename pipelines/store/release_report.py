"""The release as people read it: report/index.html, one static page that opens from file:// with
no network and no script — the run summary and earlier runs, an evidence map, a summary of
findings (store/summary_of_findings.py; also as report/summary-of-findings.csv), a forest plot
per finding with a counted estimate (store/forest_plot.py; also as SVG files under
report/figures/), what changed, the data-quality tables and the references.

Every text that comes from a guide or a source is escaped (guides are untrusted input). Details
of a map cell show on hover or keyboard focus through CSS alone.
"""

from __future__ import annotations

from html import escape
from typing import Any

import duckdb

from pipelines.appraise.verdict_words import measure_label, number, size_words
from pipelines.interpret.treatments import arm_label
from pipelines.store.forest_plot import Plot, Pooled, Row, forest_svg
from pipelines.store.sql_words import (
    COUNTED_FINDINGS,
    FINDINGS_IN_ORDER,
    arm,
    compared_arms,
    comparison,
)
from pipelines.store.summary_of_findings import (
    CSV_NAME,
    summary_csv,
    summary_html,
    summary_of_findings,
)
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
.sof{margin-top:1.5rem}.sof caption{text-align:left;font-weight:600;padding:.3rem 0}
.footnotes{list-style:none;padding-left:.5rem;font-size:.9rem}
"""


def release_report(
    con: duckdb.DuckDBPyConnection, summary: dict[str, Any]
) -> tuple[str, dict[str, str]]:
    """The page and its figure files (path under report/ → SVG), from the warehouse being
    released and the run's summary (status, counts, …)."""
    plots, figures = _forest_plots(con)
    summary_tables = summary_of_findings(con)
    figures[CSV_NAME] = summary_csv(summary_tables)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>dermevidence release {escape(summary['release_id'])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>dermevidence release {escape(summary['release_id'])}</h1>",
        _summary(summary),
        _evidence_map(con),
        summary_html(summary_tables),
        plots,
        _changes(con, summary),
        _quality(con),
        _references(con),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n", figures


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


def _forest_plots(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[str, str]]:
    """A forest plot for each of the first PLOT_LIMIT findings with a counted estimate, chosen in
    SQL (fetching every finding's estimates to plot a few hundred cost gigabytes at 100 000
    guides), and the same SVGs as files for manuscripts (figures/<finding_id>.svg)."""
    total = con.sql(
        "SELECT count(*) FROM core.evidence_checks WHERE len(estimate_ids) > 0"
    ).fetchall()[0][0]
    rows = con.sql(
        f"""WITH chosen AS (
               SELECT e.finding_id {COUNTED_FINDINGS} ORDER BY {FINDINGS_IN_ORDER} LIMIT {PLOT_LIMIT})
           SELECT f.finding_id,
                  {arm("f.intervention", "fi", "f.intervention_text")} AS intervention,
                  {arm("f.comparator", "fc", "f.comparator_text")} AS comparator,
                  coalesce(fo.label, f.outcome_text) AS outcome, pop.label AS population,
                  sev.label AS severity, e.verdict, e.certainty, e.grade_check,
                  e.pooled_estimate, e.pooled_ci_low, e.pooled_ci_high, e.pi_low, e.pi_high,
                  e.i2, e.tau2,
                  v.estimate_id, v.role, v.counted, v.why, v.arms_fit, v.source, v.measure,
                  v.estimate, v.ci_low, v.ci_high, v.weight, v.orientation,
                  x.timepoint, x.n_trials, x.n_participants, x.measure AS printed_measure,
                  x.estimate AS printed, x.ci_low AS printed_low, x.ci_high AS printed_high,
                  x.reciprocal, x.derivation, x.measure_polarity, x.outcome_inverted,
                  x.outcome_text, x.derivation IS NOT NULL OR x.scale = 'ratio' AS ratio,
                  {comparison("x", text=False)} AS printed_arms
           FROM chosen
           JOIN core.evidence_checks e USING (finding_id)
           JOIN core.findings f USING (finding_id)
           JOIN core.verdict_estimates v USING (finding_id)
           JOIN core.effect_estimates x ON x.estimate_id = v.estimate_id
           {compared_arms("f")} {compared_arms("x")}
           LEFT JOIN ref.populations pop ON pop.id = f.population
           LEFT JOIN ref.severities sev ON sev.id = f.severity
           ORDER BY {FINDINGS_IN_ORDER}, v.counted DESC, x.file, x.line_no"""
    ).pl()
    measures = {
        row["id"]: row for row in con.sql("SELECT id, label FROM ref.measures").pl().to_dicts()
    }
    plots, figures = [], {}
    for finding in rows.partition_by("finding_id", maintain_order=True):
        html, svgs = _forest(finding.to_dicts(), measures)
        plots.append(html)
        figures.update(svgs)
    note = (
        f"<p class='muted'>The first {PLOT_LIMIT} of {total} findings with a counted estimate "
        "are plotted; core.verdict_estimates has them all.</p>"
        if total > PLOT_LIMIT
        else ""
    )
    page = (
        "<h2>Forest plots</h2><p>Each estimate as the finding reads it: the finding's "
        "intervention first, in the estimate's own measure (what was turned round is said beside "
        "its value). Squares sized by weight where estimates are pooled; the diamond is the "
        "pooled estimate, its line the prediction interval. The same plots are SVG files under "
        f"<code>report/figures/</code> (&lt;finding_id&gt;-1.svg).</p>{note}" + "".join(plots)
    )
    return page, figures


def _forest(rows: list[dict[str, Any]], measures: dict[str, dict]) -> tuple[str, dict[str, str]]:
    first = rows[0]
    who = ", ".join(filter(None, (_plain(first["population"]), _plain(first["severity"]))))
    title = f"{first['intervention']} vs {first['comparator']} — {first['outcome']}" + (
        f", {who}" if who else ""
    )
    counted = [r for r in rows if r["counted"] and r["estimate"] is not None]
    groups: dict[tuple[bool, bool, str], list[dict[str, Any]]] = {}
    for r in counted:
        key = (
            r["ratio"],
            r["measure_polarity"] == "higher",
            measure_label(r["measure"], r, measures),
        )
        groups.setdefault(key, []).append(r)
    svgs = []
    for (ratio, higher, measure), members in groups.items():
        pooled = None
        if first["pooled_estimate"] is not None and any(m["role"] == "pooled" for m in members):
            pooled = Pooled(
                first["pooled_estimate"], first["pooled_ci_low"], first["pooled_ci_high"],
                first["pi_low"], first["pi_high"], first["i2"], first["tau2"],
            )  # fmt: skip
        svgs.append(
            forest_svg(
                Plot(
                    measure=measure,
                    ratio=ratio,
                    higher_is_better=higher,
                    intervention=first["intervention"],
                    comparator=first["comparator"],
                    rows=tuple(_row(m) for m in members),
                    pooled=pooled,
                )
            )
        )
    named = [r for r in rows if not r["counted"] and r["arms_fit"] != "different"]
    listed = "".join(
        f"<li class='excluded'>{escape(r['source'])} ({escape(r['timepoint'] or 'timepoint not stated')}): "
        f"{escape(r['why'] or 'not counted')}</li>"
        for r in named[:EXCLUDED_LIMIT]
    )
    if len(named) > EXCLUDED_LIMIT:
        listed += f"<li class='muted'>and {len(named) - EXCLUDED_LIMIT} more not counted</li>"
    figure = "".join(svgs)
    badge = _words(first["verdict"]) + (
        f"; certainty {_words(first['certainty'])}" if first["certainty"] else ""
    )
    html = (
        f"<div class='forest' data-finding='{escape(first['finding_id'])}'><h3>{escape(title)} "
        f"<span class='badge'>{escape(badge)}</span></h3>{figure}"
        + (f"<p>Not counted:</p><ul>{listed}</ul>" if listed else "")
        + "</div>"
    )
    return html, {f"figures/{first['finding_id']}-{n}.svg": svg for n, svg in enumerate(svgs, 1)}


def _row(r: dict[str, Any]) -> Row:
    size = size_words(r["n_trials"], r["n_participants"])
    detail = "; ".join(filter(None, (r["timepoint"], size)))
    if r["derivation"]:
        note = "derived" + r["derivation"].split("derived", 1)[1]
    elif r["orientation"] == "reversed" or r["reciprocal"]:
        printed = (
            f"{number(r['printed'])} [{number(r['printed_low'])}, {number(r['printed_high'])}]"
        )
        note = f"from {r['printed_measure'].upper()} {printed}, {r['printed_arms']}"
        note += " (times less likely)" if r["reciprocal"] else ""
    else:
        note = ""
    return Row(
        r["estimate_id"], r["source"], f"({detail})" if detail else "", r["estimate"],
        r["ci_low"], r["ci_high"], note, r["weight"],
    )  # fmt: skip


def _plain(label: str | None) -> str:
    return "" if label in (None, "Unspecified") else label.lower()


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
