"""The run summary: what each dataset holds, what was quarantined and why, how long each stage took."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from schemas import BY_NAME


@dataclass
class RunSummary:
    run_id: str
    started_at: datetime
    strict: bool
    status: str = "failed"
    finished_at: datetime | None = None
    release_id: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    source_errors: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    quarantine_sample: list[dict] = field(default_factory=list)
    source_error_sample: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    message: str = ""

    def to_json(self) -> str:
        document = asdict(self)
        document["started_at"] = self.started_at.isoformat()
        document["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        return json.dumps(document, indent=2, default=str) + "\n"

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
        "| dataset | rows |",
        "| --- | ---: |",
        *[f"| {name} | {count} |" for name, count in sorted(summary.rows.items())],
        "",
        "| stage | seconds |",
        "| --- | ---: |",
        *[f"| {stage} | {seconds:.2f} |" for stage, seconds in summary.stage_seconds.items()],
    ]
    if summary.quarantine_sample:
        lines += ["", f"## Quarantined rows ({summary.quarantined})", ""]
        lines += [
            f"- `{q['dataset']}` {q['file']}:{q['line_no']}: {q['message']}"
            for q in summary.quarantine_sample
        ]
    if summary.source_error_sample:
        lines += ["", f"## Source errors ({summary.source_errors})", ""]
        lines += [
            f"- {e['file'] or e['source_id']}:{e['line_no'] or ''} [{e['error']}] {e['message']}"
            for e in summary.source_error_sample
        ]
    failing = [c for c in summary.checks if c["status"] != "pass"]
    if failing:
        lines += ["", "## Checks not passing", ""]
        lines += [
            f"- {c['status']}: {c['check_name']} ({c['failing_rows']}): {c['detail']}"
            for c in failing
        ]
    if summary.message:
        lines += ["", summary.message]
    return "\n".join(lines) + "\n"


def write_report(summary: RunSummary, reports_dir: Path) -> Path:
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / f"{summary.run_id}.md").write_text(markdown(summary), encoding="utf-8")
    path = reports_dir / f"{summary.run_id}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(summary.to_json(), encoding="utf-8")
    temporary.replace(path)
    return path


def run_history(reports_dir: Path) -> pl.DataFrame:
    """meta.runs, rebuilt from the report of every earlier run (failed ones included)."""
    rows = []
    for path in sorted(reports_dir.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        summary = RunSummary(
            run_id=document["run_id"],
            started_at=datetime.fromisoformat(document["started_at"]),
            strict=document["strict"],
            status=document["status"],
            finished_at=datetime.fromisoformat(document["finished_at"])
            if document["finished_at"]
            else None,
            release_id=document["release_id"],
            rows=document["rows"],
            quarantined=document["quarantined"],
            source_errors=document["source_errors"],
            stage_seconds=document["stage_seconds"],
        )
        rows.append(summary.run_row())
    return BY_NAME["meta.runs"].frame(rows)
