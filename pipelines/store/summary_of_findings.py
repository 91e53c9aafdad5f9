"""The summary of findings as GRADEpro prints it, one table per comparison, for the report page
and as a CSV for manuscript tables. The rules, one line each:

- A comparison (its arms and condition) is a table, every finding of it a row: one with no
  usable estimate says so and why.
- The header names the populations of its findings, the condition, the intervention and the
  comparison.
- The relative effect is the one the verdict reads: the pooled estimate, else the only counted
  one, else 'k estimates, not pooled'.
- Absolute effects per 1 000 are given for a risk ratio when the counted estimates print the
  comparator arm's events and total: the assumed risk is theirs, the corresponding risk it times
  the ratio and its interval.
- Participants (studies) are those of the evidence read: pooled estimates added, else the
  counted estimate with the most participants (estimates that may share trials are never added).
- Certainty is GRADE's symbols and word, with a lettered footnote for each domain that rated it
  down (core.evidence_checks *_reason), and the grade the guide prints beside it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from html import escape
from typing import Any

import duckdb

from pipelines.store.spreadsheet import safe_cell
from pipelines.store.sql_words import compared_arms, comparison

SYMBOLS = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very_low": "⊕◯◯◯"}
DOMAINS = ("imprecision", "inconsistency", "indirectness")
# Rows of the summary at most: the first comparisons in the findings' order.
ROW_LIMIT = 200
CSV_NAME = "summary-of-findings.csv"
CSV_COLUMNS = (
    "comparison", "condition", "population", "outcome", "relative effect (95% CI)",
    "risk with comparator per 1000", "risk with intervention per 1000 (95% CI)",
    "participants (studies)", "certainty", "certainty footnotes", "printed grade", "comments",
    "guide", "table", "row",
)  # fmt: skip


@dataclass
class Outcome:
    values: dict[str, str]
    notes: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    title: str
    population: str
    condition: str
    rows: list[Outcome] = field(default_factory=list)


def summary_of_findings(con: duckdb.DuckDBPyConnection) -> list[Comparison]:
    """The comparisons (arms and condition) of the first ROW_LIMIT findings, each with a row per
    finding, the populations they name in its header."""
    findings = con.sql(
        f"""SELECT {comparison("f")} AS title,
                   CASE WHEN f.population = 'unspecified' THEN 'not stated'
                        ELSE coalesce(p.label, 'not stated') END AS population,
                   coalesce(c.label, f.condition_text, 'not stated') AS condition,
                   coalesce(fo.label, f.outcome_text) AS outcome, f.file, f.table_no, f.row_no,
                   f.evidence_grade, f.evidence_grade_text, e.*
            FROM core.findings f JOIN core.evidence_checks e USING (finding_id) {compared_arms("f")}
            LEFT JOIN ref.populations p ON p.id = f.population
            LEFT JOIN ref.conditions c ON c.id = f.condition
            ORDER BY title, condition, f.source_id, f.table_no, f.row_no, f.statement_no
            LIMIT {ROW_LIMIT}"""
    ).pl()
    counted = _counted(con, findings["finding_id"].to_list()) if findings.height else {}
    tables: dict[tuple[str, str], Comparison] = {}
    for finding in findings.iter_rows(named=True):
        key = (finding["title"], finding["condition"])
        table = tables.setdefault(key, Comparison(key[0], "", key[1]))
        if finding["population"] not in table.population.split("; "):
            table.population = "; ".join(filter(None, (table.population, finding["population"])))
        table.rows.append(_outcome(finding, counted.get(finding["finding_id"], [])))
    return list(tables.values())


def _counted(con: duckdb.DuckDBPyConnection, finding_ids: list[str]) -> dict[str, list[dict]]:
    """Each finding's counted estimates, as the finding reads them, with the arms' counts."""
    rows = con.sql(
        """SELECT v.finding_id, v.role, v.orientation, v.measure, v.estimate, v.ci_low, v.ci_high,
                  x.n_trials, x.n_participants, x.intervention_events, x.intervention_n,
                  x.comparator_events, x.comparator_n
           FROM core.verdict_estimates v JOIN core.effect_estimates x USING (estimate_id)
           WHERE v.counted AND v.finding_id IN (SELECT unnest($ids))
           ORDER BY v.finding_id, x.source_id, x.line_no""",
        params={"ids": finding_ids},
    ).pl()
    found: dict[str, list[dict]] = {}
    for row in rows.iter_rows(named=True):
        found.setdefault(row["finding_id"], []).append(row)
    return found


def _outcome(finding: dict[str, Any], counted: list[dict[str, Any]]) -> Outcome:
    relative, ratio = _relative(finding, counted)
    assumed, corresponding = _absolute(ratio, counted)
    notes = [
        f"{domain}: {finding[f'{domain}_reason']}"
        for domain in DOMAINS
        if finding.get(f"{domain}_reason")
    ]
    certainty = finding["certainty"]
    participants = finding["n_participants"]
    studies = finding["n_trials"]
    size = "not printed" if participants is None else f"{participants:,}"
    if studies is not None:
        size += f" ({studies} {'study' if studies == 1 else 'studies'})"
    printed = finding["evidence_grade"] or finding["evidence_grade_text"] or "none"
    return Outcome(
        {
            "outcome": finding["outcome"] or "outcome not read",
            "population": finding["population"],
            "relative effect (95% CI)": relative,
            "risk with comparator per 1000": assumed,
            "risk with intervention per 1000 (95% CI)": corresponding,
            "participants (studies)": size if counted else "—",
            "certainty": f"{SYMBOLS[certainty]} {certainty.replace('_', ' ')}"
            if certainty
            else "—",
            "printed grade": printed.replace("_", " "),
            "comments": _comment(finding, counted),
            "guide": finding["file"],
            "table": str(finding["table_no"]),
            "row": str(finding["row_no"]),
        },
        notes,
    )


def _relative(finding: dict[str, Any], counted: list[dict[str, Any]]) -> tuple[str, tuple | None]:
    """The relative effect the verdict reads, in words, and (value, low, high) of a risk ratio."""
    if finding["pooled_estimate"] is not None:
        values = (finding["pooled_estimate"], finding["pooled_ci_low"], finding["pooled_ci_high"])
        measure = finding["pooled_measure"]
    elif len(counted) == 1 and counted[0]["estimate"] is not None:
        one = counted[0]
        values, measure = (one["estimate"], one["ci_low"], one["ci_high"]), one["measure"]
    elif counted:
        return f"{len(counted)} estimates, not pooled", None
    else:
        return "no usable estimate", None
    low = "" if values[1] is None else f" ({values[1]:.2f} to {values[2]:.2f})"
    text = f"{measure.upper()} {values[0]:.2f}{low}"
    return text, values if measure == "rr" and values[1] is not None else None


def _absolute(ratio: tuple | None, counted: list[dict[str, Any]]) -> tuple[str, str]:
    """Per 1 000: the comparator arm's risk from the counted estimates' events, and the
    intervention's it implies; '—' when no risk ratio or no comparator arm's events are printed."""
    if ratio is None:
        return "—", "—"
    events = total = 0
    for e in counted:
        side = "comparator" if e["orientation"] == "same" else "intervention"
        if e[f"{side}_events"] is not None and e[f"{side}_n"]:
            events, total = events + e[f"{side}_events"], total + e[f"{side}_n"]
    if not total:
        return "—", "—"
    risk = 1000 * events / total
    value, low, high = (min(1000.0, risk * r) for r in ratio)
    return f"{risk:.0f} per 1000", f"{value:.0f} per 1000 ({low:.0f} to {high:.0f})"


def _comment(finding: dict[str, Any], counted: list[dict[str, Any]]) -> str:
    verdict = finding["verdict"].replace("_", " ")
    if not counted:
        return f"{verdict}: {finding['reason'].split('. ')[0].split(': ')[0]}"
    if finding["pooled_estimate"] is None and len(counted) > 1:
        return f"{verdict}; not pooled (overlapping sources or different measures): see the plot"
    return verdict


def summary_html(tables: list[Comparison]) -> str:
    """Each comparison as GRADEpro lays it out, its footnotes lettered under it."""
    if not tables:
        return "<h2>Summary of findings</h2><p class='muted'>no finding has a counted estimate</p>"
    parts = ["<h2>Summary of findings</h2>"]
    columns = [c for c in CSV_COLUMNS[3:12] if c != "certainty footnotes"]  # as footnotes here
    for number, table in enumerate(tables, 1):
        letters = iter("abcdefghijklmnopqrstuvwxyz")
        footnotes: list[tuple[str, str]] = []
        body = []
        for row in table.rows:
            marks = []
            for note in row.notes:
                letter = next(letters, "*")
                footnotes.append((letter, note))
                marks.append(letter)
            values = dict(row.values)
            if "; " in table.population:  # several populations: each row says whose it is
                values["outcome"] += f" ({values['population']})"
            cells = [
                escape(values[c])
                + (f"<sup>{','.join(marks)}</sup>" if c == "certainty" and marks else "")
                for c in columns
            ]
            body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
        head = "".join(f"<th>{escape(c)}</th>" for c in columns)
        parts.append(
            f"<table class='sof' id='summary-of-findings-{number}'>"
            f"<caption>Summary of findings {number}. {escape(table.title)}</caption>"
            f"<tr><td colspan='{len(columns)}'><b>Patient or population:</b> {escape(table.population)}; "
            f"<b>condition:</b> {escape(table.condition)}<br><b>Intervention and comparison:</b> "
            f"{escape(table.title)}</td></tr><tr>{head}</tr>{''.join(body)}</table>"
        )
        if footnotes:
            parts.append(
                "<ol class='footnotes'>"
                + "".join(f"<li><sup>{k}</sup> {escape(v)}</li>" for k, v in footnotes)
                + "</ol>"
            )
    parts.append(
        f"<p class='muted'>The same tables as CSV: <code>report/{CSV_NAME}</code>. Certainty: "
        "GRADE's four levels; risk of bias and publication bias are not assessed from a printed "
        "table.</p>"
    )
    return "".join(parts)


def summary_csv(tables: list[Comparison]) -> str:
    """One line per outcome, its comparison's header in the first columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for table in tables:
        for row in table.rows:
            values = {**row.values, "certainty footnotes": " | ".join(row.notes)}
            cells = [table.title, table.condition, *(values[c] for c in CSV_COLUMNS[2:])]
            writer.writerow(map(safe_cell, cells))
    return out.getvalue()
