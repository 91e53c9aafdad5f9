"""The run summary: what each dataset holds, what was quarantined and why, how long each stage took."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path

from pipelines.store.checks import STRICT_WARNINGS
from pipelines.store.layout import write_whole


@dataclass
class RunSummary:
    run_id: str
    started_at: datetime
    strict: bool
    status: str = "failed"
    finished_at: datetime | None = None
    release_id: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # What each stage says after its time: "1000 documents in 10 batches, 1 parsed" …
    stage_details: dict[str, str] = field(default_factory=dict)
    quarantine_sample: list[dict] = field(default_factory=list)
    source_error_sample: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    changes: str = ""
    message: str = ""
    # What the publish gate found: one sentence per source the release would lose rows from.
    losses: list[str] = field(default_factory=list)
    # What the run mended or worked round on its way (a warehouse file rebuilt, a report that
    # could not be drawn), one line each.
    notes: list[str] = field(default_factory=list)

    @property
    def quarantined(self) -> int:
        return self.rows.get("quality.quarantine", 0)

    @property
    def source_errors(self) -> int:
        return self.rows.get("quality.source_errors", 0)

    @property
    def has_issues(self) -> bool:
        failed_checks = any(
            check["status"] == "fail"
            or (check["status"] == "warn" and check["check_name"] in STRICT_WARNINGS)
            for check in self.checks
        )
        return bool(self.quarantined or self.source_errors or failed_checks)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, default=_isoformat) + "\n"

    @classmethod
    def from_json(cls, text: str) -> RunSummary:
        document = json.loads(text)
        for moment in ("started_at", "finished_at"):
            if document[moment]:
                document[moment] = datetime.fromisoformat(document[moment])
        return cls(**document)

    def run_row(self) -> dict:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "status": self.status,
            "strict": self.strict,
            "release_id": self.release_id,
            "rows_json": json.dumps(self.rows, sort_keys=True),
            "quarantined": self.quarantined,
            "source_errors": self.source_errors,
            "stage_seconds_json": json.dumps(self.stage_seconds, sort_keys=True),
        }


def markdown(summary: RunSummary) -> str:
    """The human-readable report: the Prefect artifact and warehouse/reports/<run_id>.md."""
    lines = [
        f"# dermevidence run {summary.run_id}",
        "",
        f"Status **{summary.status}**; release `{summary.release_id or 'none'}`; strict: {summary.strict}.",
        "",
        *([f"Since the previous release: {summary.changes}.", ""] if summary.changes else []),
        "| dataset | rows |",
        "| --- | ---: |",
        *[f"| {name} | {count} |" for name, count in sorted(summary.rows.items())],
        "",
        "| stage | seconds | |",
        "| --- | ---: | --- |",
        *[
            f"| {stage} | {seconds:.2f} | {summary.stage_details.get(stage, '')} |"
            for stage, seconds in summary.stage_seconds.items()
        ],
    ]
    issues = issue_lines(summary)
    if issues:
        lines += [
            "",
            f"## Issues ({summary.quarantined} quarantined, {summary.source_errors} source errors)",
            "",
        ]
        lines += [f"- {line}" for line in issues]
    if summary.message:
        lines += ["", summary.message]
    return "\n".join(lines) + "\n"


def issue_lines(summary: RunSummary) -> list[str]:
    """One line per note (a repair, a report not drawn), per source the publish gate held back, sampled quarantined row, source error and
    check not passing."""
    lines = list(summary.notes)
    lines += [f"blocked: {loss}" for loss in summary.losses]
    lines += [f"quarantined {q['dataset']}: {q['message']}" for q in summary.quarantine_sample]
    lines += [
        f"source error {_place(e['file'] or e['source_id'], e['line_no'])}: [{e['error']}] {e['message']}"
        for e in summary.source_error_sample
    ]
    lines += [
        f"check {c['status']}: {c['check_name']} ({c['failing_rows']}): {c['detail']}"
        for c in summary.checks
        if c["status"] != "pass"
    ]
    return lines


def _place(file: str, line_no: int | None) -> str:
    """file:line, or the file alone when the problem is the whole file."""
    return f"{file}:{line_no}" if line_no else file


def write_report(summary: RunSummary, reports_dir: Path) -> Path:
    reports_dir.mkdir(parents=True, exist_ok=True)
    for suffix, text in ((".md", markdown(summary)), (".json", summary.to_json())):
        path = write_whole(reports_dir / f"{summary.run_id}{suffix}", text)
    return path


# What the runs page shows of each run (meta.runs columns).
RUN_COLUMNS = ("run_id", "started_at", "finished_at", "status", "release_id", "quarantined", "source_errors")  # fmt: skip


def write_runs_page(reports_dir: Path, runs: list[dict]) -> Path:
    """reports/index.html: every run of the warehouse, newest first, rewritten by each run (a
    release's own page is fixed when it is published, and an unchanged rerun publishes none)."""
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        "<title>dermevidence runs</title><style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .5rem}</style>"
        f"</head><body><h1>dermevidence runs</h1><p>{len(runs)} run(s), newest first; the live "
        "release's report is <a href='../exports/report/index.html'>exports/report/index.html</a>."
        f"</p>{runs_table(runs, RUN_COLUMNS, 'runs')}</body></html>\n"
    )
    return write_whole(reports_dir / "index.html", page)


def runs_table(runs: list[dict], columns: Sequence[str], table_id: str) -> str:
    """Runs as an HTML table, a row each, headed by the column names in words."""
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(shown(run[c]))}</td>" for c in columns) + "</tr>"
        for run in runs
    )
    return f"<table id='{table_id}'><tr>{head}</tr>{body}</table>"


def shown(value: object) -> str:
    """A run's value as its pages show it: moments in UTC to the second, nothing for null."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S} UTC"
    return "" if value is None else str(value)


def _isoformat(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


# The findings a release summary lists, at most: the Prefect UI shows the artifact in one page.
SUMMARY_FINDINGS = 25


def release_summary(database: Path, page: Path) -> str:
    """The release in numbers, as Markdown for the Prefect UI (which will not open a file://
    link): verdicts and certainty checks counted, the first findings with a counted estimate,
    and where the HTML report is."""
    from pipelines.store.load import connect
    from pipelines.store.sql_words import COUNTED_FINDINGS, FINDINGS_IN_ORDER, comparison

    con = connect(database, read_only=True)
    try:
        verdicts = con.sql(
            "SELECT verdict, count(*) FROM core.evidence_checks GROUP BY ALL ORDER BY 2 DESC, 1"
        ).fetchall()
        checks = con.sql(
            "SELECT grade_check, count(*) FROM core.evidence_checks WHERE grade_check IS NOT NULL "
            "GROUP BY ALL ORDER BY 2 DESC, 1"
        ).fetchall()
        findings = con.sql(
            f"""SELECT regexp_extract(f.file, '[^/]+$') || ' ' || f.table_no || '.' || f.row_no
                       || '.' || f.statement_no, {comparison("f")},
                       coalesce(fo.label, f.outcome_text), e.verdict, len(e.estimate_ids),
                       coalesce(f.evidence_grade, 'none'), e.certainty
                {COUNTED_FINDINGS} ORDER BY {FINDINGS_IN_ORDER} LIMIT {SUMMARY_FINDINGS}"""
        ).fetchall()
    finally:
        con.close()
    lines = [
        "# Release summary",
        "",
        f"The report (evidence map, forest plots, changes, data quality) is `{page}` on the "
        "machine that ran the pipeline; `dermevidence report --open` opens it.",
        "",
        "Verdicts: " + ", ".join(f"{verdict} {n}" for verdict, n in verdicts) + ".",
        "",
        "Printed grade against the certainty check: "
        + (", ".join(f"{check.replace('_', ' ')} {n}" for check, n in checks) or "no check")
        + ".",
        "",
        "| finding | comparison | outcome | verdict | estimates counted | printed grade | certainty check |",
        "| --- | --- | --- | --- | ---: | --- | --- |",
        *(
            "| " + " | ".join(str(value).replace("|", "/") for value in row) + " |"
            for row in findings
        ),
    ]
    return "\n".join(lines) + "\n"
