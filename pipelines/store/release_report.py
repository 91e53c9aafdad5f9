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
from pipelines.store.drawing import Drawing, to_svg
from pipelines.store.figure_files import figure_stem
from pipelines.store.forest_plot import Plot, Pooled, Row, forest_drawing
from pipelines.store.report import runs_table
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
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"
# From exports/report/index.html (the live release, through the exports link) to reports/.
RUNS_PAGE = "../../reports/index.html"
# What the release page shows of each run before it (the runs page shows report.RUN_COLUMNS).
EARLIER_RUN_COLUMNS = ("started_at", "status", "release_id", "quarantined", "source_errors")
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
.map{width:100%;table-layout:fixed;margin-bottom:1rem}.map col.compared{width:15rem}
.map tr.classes th{background:#e8eef6}.map th{overflow-wrap:anywhere}
.finding{position:relative;display:flex;flex-wrap:wrap;align-items:center;gap:.1rem .4rem;box-sizing:border-box;margin:.2rem 0;padding:.1rem .3rem;border:1px solid #bbb;border-left:.5rem solid #bbb;border-radius:3px;background:#fff;cursor:default}
.finding .outcome{flex:1 1 100%;overflow-wrap:anywhere}
.finding .detail{display:none;position:absolute;z-index:10;left:0;top:100%;width:min(28rem,80vw);box-sizing:border-box;white-space:normal;background:#fffff3;border:1px solid #888;padding:.5rem;box-shadow:0 2px 6px #0004}
td.right .finding .detail{left:auto;right:0}
.finding:hover .detail,.finding:focus .detail,.finding:focus-within .detail{display:block}
.badge{font-size:.75rem;padding:0 .3rem;border-radius:2px;background:#eee;white-space:nowrap}
.v-supported{background:#cdebd5}.v-contradicted{background:#f6d0c6}.v-not_supported{background:#f8e3b8}
.v-mixed{background:#e3d7f4}.v-no_estimates{background:#e6e6e6}.v-unclassified{background:#fff;outline:1px dashed #999}
.grade{font-size:.7rem;letter-spacing:-1px}
.filters fieldset{display:inline-block;margin:0 1rem .5rem 0;border:1px solid #ccc}.filters label{margin-right:.6rem;white-space:nowrap}
.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;border:1px solid #999;margin-right:.25rem}
.forest{margin:1rem 0 2rem}.forest svg{display:block;max-width:100%;height:auto}
.muted{color:#666}
.sof{margin-top:1.5rem}.sof caption{text-align:left;font-weight:600;padding:.3rem 0}
.footnotes{list-style:none;padding-left:.5rem;font-size:.9rem}
"""


def release_report(
    con: duckdb.DuckDBPyConnection, summary: dict[str, Any]
) -> tuple[str, dict[str, str]]:
    """The page and its figure files (path under report/ → SVG), from the warehouse being
    released and the run's summary (status, counts, …)."""
    plots, drawings = _forest_plots(con)
    figures = {f"figures/{stem}.svg": to_svg(drawing) for stem, drawing in drawings.items()}
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
    runs = (
        runs_table(earlier, EARLIER_RUN_COLUMNS, "earlier-runs")
        if earlier
        else "<p class='muted'>none: this release is the warehouse's first run</p>"
    )
    return (
        f"<h2>Run</h2><table id='summary'>{rows}</table><h3>Runs before this release</h3>{runs}"
        f"<p>Every run since, unchanged reruns too: <a href='{RUNS_PAGE}'>the warehouse's runs</a> "
        "(<code>reports/index.html</code>, written by every run; "
        "<code>dermevidence history</code> lists them too).</p>"
    )


def _evidence_map(con: duckdb.DuckDBPyConnection) -> str:
    """One table per condition: a row per comparison of compounds (strengths and potencies folded
    in, with their count) under a row per comparison of their classes, a column per outcome
    domain, a marker per finding; filters by condition, verdict and grade in CSS alone."""
    findings = con.sql(
        f"""SELECT f.finding_id, coalesce(o.label, f.outcome_text) AS outcome,
                   coalesce(ci.name, f.intervention_text) AS intervention, f.intervention_strength_pct,
                   f.intervention_potency, coalesce(cc.name, f.comparator_text) AS comparator,
                   f.comparator_strength_pct, f.comparator_potency, f.direction, f.evidence_grade,
                   f.result_text, coalesce(pop.label, f.population) AS population,
                   coalesce(sev.label, f.severity) AS severity, e.verdict, e.reason, f.file,
                   f.line_no, e.certainty, e.grade_check, e.certainty_reason,
                   coalesce(cond.label, f.condition_text, 'Condition not stated') AS condition,
                   coalesce(ki.name, ci.name, f.intervention_text, '?') AS intervention_class,
                   coalesce(kc.name, cc.name, f.comparator_text, '?') AS comparator_class,
                   coalesce(o.domain, 'other') AS domain
            FROM (SELECT * FROM core.findings ORDER BY {FINDING_ORDER} LIMIT {MAP_LIMIT}) f
            LEFT JOIN core.evidence_checks e USING (finding_id)
            LEFT JOIN ref.outcomes o ON o.id = f.outcome
            LEFT JOIN ref.compounds ci ON ci.id = f.intervention
            LEFT JOIN ref.compounds cc ON cc.id = f.comparator
            LEFT JOIN ref.compounds ki ON ki.id = ci.class
            LEFT JOIN ref.compounds kc ON kc.id = cc.class
            LEFT JOIN ref.conditions cond ON cond.id = f.condition
            LEFT JOIN ref.populations pop ON pop.id = f.population
            LEFT JOIN ref.severities sev ON sev.id = f.severity
            ORDER BY {FINDING_ORDER}"""
    ).pl()
    citations = _citations(con, findings["finding_id"].to_list())
    by_condition: dict[str, list[dict[str, Any]]] = {}
    for row in findings.iter_rows(named=True):
        by_condition.setdefault(row["condition"], []).append(row)
    conditions = sorted(by_condition, key=lambda c: (-len(by_condition[c]), c))
    sections = "".join(
        _condition_map(n, condition, by_condition[condition], citations)
        for n, condition in enumerate(conditions)
    )
    note = (
        f"<p class='muted'>The first {MAP_LIMIT} findings are shown.</p>"
        if findings.height == MAP_LIMIT
        else ""
    )
    return (
        "<h2>Evidence map</h2><p>For each condition, a row per comparison (strengths folded into "
        "their compound; the classes compared head each group) and a column per outcome domain. "
        "A marker per finding: its outcome, the grade the guide prints as dots, the verdict of the "
        "effect estimates as a badge, and on its left which arm it favours. Hover or focus a "
        "marker for its result, population, citations and the verdict's reason.</p>"
        f"<p class='legend'>{_legend()}</p>{_filters(conditions)}{note}{sections}"
    )


def _condition_map(
    n: int, condition: str, rows: list[dict[str, Any]], citations: dict[str, list[tuple]]
) -> str:
    domains = sorted({row["domain"] for row in rows}, key=lambda d: (d == "other", d))
    groups: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in rows:
        classes = f"{row['intervention_class']} vs {row['comparator_class']}"
        compared = f"{row['intervention']} vs {row['comparator']}"
        groups.setdefault(classes, {}).setdefault(compared, []).append(row)
    right = len(domains) // 2  # cells from here on open their details leftwards
    head = "".join(f"<th scope='col'>{escape(domain.capitalize())}</th>" for domain in domains)
    body = []
    for classes in sorted(groups, key=lambda c: (-sum(map(len, groups[c].values())), c)):
        body.append(
            f"<tr class='classes'><th colspan='{len(domains) + 1}' scope='rowgroup'>"
            f"{escape(classes)}</th></tr>"
        )
        compounds = groups[classes]
        for compared in sorted(compounds, key=lambda c: (-len(compounds[c]), c)):
            members = compounds[compared]
            folded = (
                f"<span class='muted'>{len(members)} finding{'s' if len(members) > 1 else ''}"
                + _strengths(members)
                + "</span>"
            )
            cells = "".join(
                f"<td class='cell{' right' if k >= right and k else ''}' "
                f"data-domain='{escape(domain)}'>"
                + "".join(
                    _marker(row, citations.get(row["finding_id"], []))
                    for row in members
                    if row["domain"] == domain
                )
                + "</td>"
                for k, domain in enumerate(domains)
            )
            body.append(f"<tr><th scope='row'>{escape(compared)}<br>{folded}</th>{cells}</tr>")
    return (
        f"<section class='condition' data-condition='c{n}'><h3>{escape(condition)} "
        f"<span class='muted'>{len(rows)} finding{'s' if len(rows) > 1 else ''}</span></h3>"
        f"<table class='map'><colgroup><col class='compared'>"
        + "<col>"
        * len(domains)
        + f"</colgroup><tr><th scope='col'>Comparison</th>{head}</tr>{''.join(body)}</table>"
        "</section>"
    )


def _strengths(rows: list[dict[str, Any]]) -> str:
    """The strengths and potencies folded into a comparison of compounds, each arm's apart:
    ': 0.03%, 0.1% vs mild, potent' (an arm printed without one says 'any')."""
    sides = [
        sorted({" ".join(filter(None, (row[f"{side}_potency"], _percent(row[f"{side}_strength_pct"]))))
                or "any" for row in rows})
        for side in ("intervention", "comparator")
    ]  # fmt: skip
    if sides == [["any"], ["any"]]:
        return ""
    return ": " + escape(" vs ".join(", ".join(side) for side in sides))


def _legend() -> str:
    return (
        "<b>Left edge</b>, which arm the finding favours: "
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
            f"<span><span class='badge v-{verdict}'>{escape(_words(verdict))}</span></span>"
            for verdict in VERDICTS
        )
    )


def _filters(conditions: list[str]) -> str:
    """Radio buttons and the CSS that hides what they leave out (the page runs no script):
    condition, verdict and printed grade; 'all' checked in each."""
    groups = [
        ("condition", "c", [(f"c{n}", c) for n, c in enumerate(conditions)]),
        ("verdict", "v", [(v, _words(v)) for v in VERDICTS]),
        ("grade", "g", [(g, _words(g)) for g in (*GRADE_MARKS, "none")]),
    ]
    rules, fieldsets = [], []
    for name, prefix, choices in groups:
        buttons = [
            f"<label><input type='radio' name='{name}' id='{prefix}-all' checked> all</label>"
        ]
        for key, label in choices:
            buttons.append(
                f"<label><input type='radio' name='{name}' id='{prefix}-{key}'> "
                f"{escape(label)}</label>"
            )
            hidden = (
                f"section.condition:not([data-condition='{key}'])"
                if name == "condition"
                else f".finding:not([data-{name}='{key}'])"
            )
            rules.append(f"body:has(#{prefix}-{key}:checked) {hidden}{{display:none}}")
        fieldsets.append(
            f"<fieldset><legend>{name.capitalize()}</legend>{''.join(buttons)}</fieldset>"
        )
    return f"<style>{''.join(rules)}</style><form class='filters'>{''.join(fieldsets)}</form>"


def _percent(strength: float | None) -> str | None:
    return f"{strength:g}%" if strength is not None else None


def _arms(row: dict[str, Any]) -> tuple[str, str]:
    """The finding's arms as the guide prints them: 'potent Topical corticosteroids', 'X 0.1%'."""
    return (
        arm_label(
            row["intervention"], row["intervention_strength_pct"], row["intervention_potency"]
        ),
        arm_label(row["comparator"], row["comparator_strength_pct"], row["comparator_potency"]),
    )


def _marker(row: dict[str, Any], cited: list[tuple]) -> str:
    direction, grade, verdict = row["direction"], row["evidence_grade"], row["verdict"]
    certainty = row["certainty"]
    label, colour = DIRECTIONS.get(direction, (direction, "#fff"))
    label = _direction_words(direction, row) or label
    links = "".join(
        f"<li>[{ref_no}] {escape(title or '')}"
        + (f" <a href='{PUBMED.format(escape(pmid))}'>PubMed {escape(pmid)}</a>" if pmid else "")
        + "</li>"
        for ref_no, title, pmid in cited
    )
    detail = (
        f"<div class='detail' role='tooltip'><p><b>{escape(label)}</b>: {escape(row['result_text'] or '')}</p>"
        f"<p>Population: {escape(row['population'])}; severity: {escape(row['severity'])}; grade: {escape(grade or 'not printed')}</p>"
        f"<p>Citations:</p><ul class='citations'>{links or '<li>none</li>'}</ul>"
        f"<p>Verdict <b>{escape(_words(verdict or ''))}</b>: {escape(row['reason'] or '')}</p>"
        + (
            f"<p>Certainty check <b>{escape(certainty)}</b> "
            f"({escape(_words(row['grade_check'] or ''))}): {escape(row['certainty_reason'] or '')}</p>"
            if certainty
            else ""
        )
        + f"<p class='muted'>{escape(row['file'])}:{row['line_no']}</p></div>"
    )
    return (
        f"<span class='finding' tabindex='0' data-finding='{escape(row['finding_id'])}' "
        f"data-direction='{escape(direction)}' data-verdict='{escape(verdict or '')}' "
        f"data-grade='{escape(grade or 'none')}' data-outcome='{escape(row['outcome'])}' "
        f"data-comparison='{escape(' vs '.join(_arms(row)))}' style='border-left-color:{colour}'>"
        f"<span class='outcome'>{escape(row['outcome'])}</span>"
        f"<span class='grade'>{GRADE_MARKS.get(grade, escape(grade or ''))}</span>"
        f"<span class='badge v-{escape(verdict or '')}'>{escape(_words(verdict or ''))}</span>"
        f"{detail}</span>"
    )


def _words(enum: str) -> str:
    """'no_estimates' → 'no estimates': an enum as a reader says it."""
    return enum.replace("_", " ")


def _direction_words(direction: str, row: dict[str, Any]) -> str | None:
    """Which arm the finding favours, by name, as the guide prints the comparison."""
    intervention, comparator = _arms(row)
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


def forest_drawings(con: duckdb.DuckDBPyConnection) -> dict[str, Drawing]:
    """The report's forest plots by file stem, for `dermevidence report --figures`."""
    return _forest_plots(con)[1]


def _forest_plots(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[str, Drawing]]:
    """A forest plot for each of the first PLOT_LIMIT findings with a counted estimate, chosen in
    SQL (fetching every finding's estimates to plot a few hundred cost gigabytes at 100 000
    guides), and their drawings by file stem (figures/<comparison>--<outcome>--<measure>)."""
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
                  e.i2, e.tau2, e.q, e.q_p, e.z, e.z_p,
                  v.estimate_id, v.role, v.counted, v.why, v.arms_fit, v.source, v.measure,
                  v.estimate, v.ci_low, v.ci_high, v.weight, v.orientation,
                  x.timepoint, x.n_trials, x.n_participants, x.measure AS printed_measure,
                  x.estimate AS printed, x.ci_low AS printed_low, x.ci_high AS printed_high,
                  x.reciprocal, x.derivation, x.measure_polarity, x.outcome_inverted,
                  x.outcome_text, x.citation, x.intervention_events, x.intervention_n,
                  x.comparator_events, x.comparator_n, x.derivation IS NOT NULL OR x.scale = 'ratio' AS ratio,
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
    plots, drawings = [], {}
    for finding in rows.partition_by("finding_id", maintain_order=True):
        html, drawn = _forest(finding.to_dicts(), measures, drawings)
        plots.append(html)
        drawings.update(drawn)
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
        "pooled estimate, with the method, heterogeneity and the test for the overall effect under it; "
        "estimates counted alone stand apart under the pool. The same plots are SVG files under "
        "<code>report/figures/</code>, named by comparison, outcome and measure; "
        f"<code>dermevidence report --figures png</code> (or pdf) draws them for a manuscript.</p>{note}"
        + "".join(plots)
    )
    return page, drawings


def _forest(
    rows: list[dict[str, Any]], measures: dict[str, dict], taken: dict[str, Drawing]
) -> tuple[str, dict[str, Drawing]]:
    """A finding's plots (one per measure) in their HTML block, and the drawings by file stem;
    `taken`: the stems of the plots before, so two findings never share a file."""
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
    drawings: dict[str, Drawing] = {}
    for (ratio, higher, measure), members in groups.items():
        pooled = None
        if first["pooled_estimate"] is not None and any(m["role"] == "pooled" for m in members):
            pooled = Pooled(
                first["pooled_estimate"], first["pooled_ci_low"], first["pooled_ci_high"],
                first["pi_low"], first["pi_high"], first["i2"], first["tau2"],
                first["q"], first["q_p"], first["z"], first["z_p"],
            )  # fmt: skip
        name = measures.get(members[0]["measure"], {}).get("label") or measure
        drawing = forest_drawing(
            Plot(
                measure=measure,
                axis_title=name[:1].upper() + name[1:] + (" (log scale)" if ratio else ""),
                ratio=ratio,
                higher_is_better=higher,
                intervention=first["intervention"],
                comparator=first["comparator"],
                rows=tuple(_row(m) for m in members),
                pooled=pooled,
                title=f"{title} ({measure})",
            )
        )
        stem = figure_stem(title, measure)
        if stem in taken or stem in drawings:
            stem = f"{stem}--{first['finding_id']}"
        drawings[stem] = drawing
    named = [r for r in rows if not r["counted"] and r["arms_fit"] != "different"]
    listed = "".join(
        f"<li class='excluded'>{escape(r['source'])} ({escape(r['timepoint'] or 'timepoint not stated')}): "
        f"{escape(r['why'] or 'not counted')}</li>"
        for r in named[:EXCLUDED_LIMIT]
    )
    if len(named) > EXCLUDED_LIMIT:
        listed += f"<li class='muted'>and {len(named) - EXCLUDED_LIMIT} more not counted</li>"
    figure = "".join(to_svg(d) for d in drawings.values())
    badge = _words(first["verdict"]) + (
        f"; certainty {_words(first['certainty'])}" if first["certainty"] else ""
    )
    html = (
        f"<div class='forest' data-finding='{escape(first['finding_id'])}'><h3>{escape(title)} "
        f"<span class='badge'>{escape(badge)}</span></h3>{figure}"
        + (f"<p>Not counted:</p><ul>{listed}</ul>" if listed else "")
        + "</div>"
    )
    return html, drawings


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
    arms = (
        r["intervention_events"],
        r["intervention_n"],
        r["comparator_events"],
        r["comparator_n"],
    )
    if r["orientation"] == "reversed":  # the finding's intervention is the estimate's comparator
        arms = arms[2:] + arms[:2]
    return Row(
        r["estimate_id"], r["source"], r["citation"] or "", detail, r["estimate"], r["ci_low"],
        r["ci_high"], note, r["weight"] if r["role"] == "pooled" else None, arms,
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
        "FROM core.references ORDER BY file, ref_no", links={5: PUBMED},
    )  # fmt: skip


def _section(
    con: duckdb.DuckDBPyConnection,
    heading: str,
    columns: tuple[str, ...],
    query: str,
    empty: str = "none",
    links: dict[int, str] | None = None,
) -> str:
    """A heading and the first TABLE_LIMIT rows of a query as a table."""
    rows = con.sql(f"{query} LIMIT {TABLE_LIMIT}").fetchall()
    return heading + _table(columns, rows, empty, links or {})


def _table(columns: tuple[str, ...], rows: list[tuple], empty: str, links: dict[int, str]) -> str:
    """Rows as a table; a column of `links` (index → URL with {}) links each value it holds."""
    if not rows:
        return f"<p class='muted'>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v, links.get(n))}</td>" for n, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value: Any, link: str | None) -> str:
    text = escape("" if value is None else str(value))
    return f"<a href='{link.format(text)}'>{text}</a>" if link and text else text
