"""A seeded synthetic corpus of comparative guides, in text and HTML, with the findings each must yield.

    .venv/bin/python -m benchmarks.corpus OUT --guides 1000 [--seed 1] [--html-share 0.5]
        [--defective-rows 0.02] [--defective-files 0.01]

OUT/raw/ is a complete input folder (sources.toml, the bundled vocabularies, bibliographic records
and estimates, and guides/); OUT/expected.jsonl lists every finding the guides must yield, so the
corpus is also an accuracy check. Guides vary as real ones do: 1 to 8 tables of 2 to 12 rows drawn from
the vocabularies, merged-cell continuation rows, subgroup statements, citation markers,
boilerplate, and a share of rows with an impossible strength (250 %, which validation refuses) and
of files that are not guides at all.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTHS = ["January", "March", "May", "July", "September", "November"]
BOILERPLATE = [
    "For Researchers, Scientists, and Drug Development Professionals.",
    "BenchChem offers custom synthesis for rare earth carbides and specific isotopic labeling.",
    "The information provided in this document is for Research Use Only (RUO).",
]
# (arm text, compound id, strength, potency) for each arm a synthetic comparison may name.
INTERVENTIONS = [
    ("Tacrolimus 0.1%", "tacrolimus", 0.1, None),
    ("Tacrolimus 0.03%", "tacrolimus", 0.03, None),
    ("Pimecrolimus 1%", "pimecrolimus", 1.0, None),
]
COMPARATORS = [
    *INTERVENTIONS,
    ("Potent TCS", "tcs", None, "potent"),
    ("Mild TCS", "tcs", None, "mild"),
    ("Moderate/Potent TCS", "tcs", None, "moderate/potent"),
    ("Vehicle", "vehicle", None, None),
]
POPULATIONS = [("", "unspecified"), (" (Adults)", "adult"), (" (Pediatric)", "pediatric")]
CONDITIONS = [("Atopic Dermatitis", "atopic_dermatitis"), ("Psoriasis", "psoriasis")]


@dataclass(frozen=True)
class Finding:
    file: str
    table_no: int
    row_no: int
    statement_no: int
    outcome: str
    intervention: str
    intervention_strength_pct: float | None
    comparator: str
    comparator_strength_pct: float | None
    comparator_potency: str | None
    population: str
    severity: str
    direction: str
    evidence_grade: str
    condition: str


def _vocabulary(name: str) -> list[dict[str, str]]:
    with (ROOT / "raw" / "vocab" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


class Generator:
    def __init__(self, seed: int, defective_rows: float) -> None:
        self.rng = random.Random(seed)
        self.outcomes = [(o["label"], o["id"], o["polarity"]) for o in _vocabulary("outcomes")]
        self.grades = [(g["label"], g["id"]) for g in _vocabulary("evidence_grades")]
        self.defective_rows = defective_rows

    def guide(self, number: int, file: str) -> tuple[dict, list[Finding]]:
        """A guide as structure (rendered to text or HTML later) and its expected findings."""
        rng = self.rng
        n_refs = rng.randint(1, 6)
        tables, expected = [], []
        for table_no in range(1, rng.randint(1, 8) + 1):
            condition_text, condition = rng.choice(CONDITIONS)
            intervention = rng.choice(INTERVENTIONS)
            rows = []
            for row_no in range(1, rng.randint(2, 12) + 1):
                comparator = rng.choice([c for c in COMPARATORS if c[0] != intervention[0]])
                merged = bool(rows) and rng.random() < 0.2
                outcome = rows[-1]["outcome"] if merged else rng.choice(self.outcomes)
                qualifier, population = rng.choice(POPULATIONS)
                grade = rng.choice(self.grades)
                bad = rng.random() < self.defective_rows
                shown = (f"{intervention[0].split()[0]} 250%", *intervention[1:])
                statements = self._statements(shown if bad else intervention, comparator, outcome)
                marker = f" [{rng.randint(1, n_refs)}]" if rng.random() < 0.3 else ""
                rows.append(
                    {
                        "outcome": outcome,
                        "merged": merged,
                        "comparison": f"{(shown if bad else intervention)[0]} vs. {comparator[0]}{qualifier}",
                        "result": " ".join(text for text, _, _ in statements) + marker,
                        "grade": grade[0],
                    }
                )
                if bad:
                    continue
                for statement_no, (_, direction, severity) in enumerate(statements, 1):
                    expected.append(
                        Finding(file, table_no, row_no, statement_no, outcome[1], intervention[1],
                                intervention[2], comparator[1], comparator[2], comparator[3],
                                population, severity, direction, grade[1], condition)
                    )  # fmt: skip
            title = f"{intervention[0]} and comparators in {condition_text}"
            tables.append({"table_no": table_no, "title": title, "rows": rows})
        guide = {
            "title": f"Synthetic comparative guide {number}",
            "author": f"Synthetic Team {number % 17}",
            "date": f"{rng.choice(MONTHS)} {rng.randint(2015, 2025)}",
            "catalog_no": f"S{number:07d}",
            "summary": f"Calcineurin inhibitors act on T-cells.[1] {rng.choice(BOILERPLATE)}",
            "tables": tables,
            "references": [f"Synthetic reference {number}-{n}" for n in range(1, n_refs + 1)],
        }
        return guide, expected

    def _statements(
        self, intervention: tuple, comparator: tuple, outcome: tuple
    ) -> list[tuple[str, str, str]]:
        """(text, expected direction, expected severity) of each statement of a result cell."""
        rng, name, other = self.rng, intervention[0], comparator[0]
        harm = outcome[2] == "lower"
        kind = rng.choice(["better", "worse", "none", "comparable", "subgroups"])
        if kind == "subgroups":
            return [
                ("No significant difference for mild to moderate cases.", "no_difference", "mild_to_moderate"),
                (f"{name} more effective for moderate to severe.", "favours_intervention", "moderate_to_severe"),
            ]  # fmt: skip
        if kind == "none":
            return [("No significant difference.", "no_difference", "unspecified")]
        if kind == "comparable":
            return [(f"{name} has comparable efficacy to {other}.", "comparable", "unspecified")]
        if harm:
            phrase = "less frequent" if kind == "better" else "more frequent"
            return [
                (
                    f"{phrase.capitalize()} with {name}.",
                    f"favours_{'intervention' if kind == 'better' else 'comparator'}",
                    "unspecified",
                )
            ]
        phrase = "more effective" if kind == "better" else "less effective"
        return [
            (
                f"{name} is {phrase} than {other}.",
                f"favours_{'intervention' if kind == 'better' else 'comparator'}",
                "unspecified",
            )
        ]


def render_text(guide: dict) -> str:
    lines = [f"# {guide['title']}", "", f"**Author:** {guide['author']}. **Date:** {guide['date']}", "",
             "## Compound of Interest", "", "Compound Name: Ascomycin", "", f"Cat. No.: {guide['catalog_no']}",
             "", "[Get Quote](#)", "", "### Executive Summary", "", guide["summary"], ""]  # fmt: skip
    for table in guide["tables"]:
        lines += [
            f"Table {table['table_no']}: {table['title']}",
            "",
            "Outcome\tComparison\tResult\tStrength of Evidence",
        ]
        for row in table["rows"]:
            cells = (
                [row["comparison"], row["result"], row["grade"], ""]
                if row["merged"]
                else [row["outcome"][0], row["comparison"], row["result"], row["grade"]]
            )
            lines.append("\t".join(cells))
        lines.append("")
    lines += ["## References", ""]
    lines += [
        f"- {n}. {title} - PubMed [pubmed.ncbi.nlm.nih.gov]"
        for n, title in enumerate(guide["references"], 1)
    ]
    return "\n".join(lines) + "\n"


def render_html(guide: dict) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html><html><head><title>x</title><script>var x = 1;</script></head><body>",
             "<nav><a href='/'>Home</a></nav><main><article>", f"<h1>{e(guide['title'])}</h1>",
             f"<p><strong>Author:</strong> {e(guide['author'])}. <strong>Date:</strong> {e(guide['date'])}</p>",
             "<h2>Compound of Interest</h2><p>Compound Name: Ascomycin</p>", f"<p>Cat. No.: {e(guide['catalog_no'])}</p>",
             "<h3>Executive Summary</h3>", f"<p>{e(guide['summary'])}</p>"]  # fmt: skip
    for table in guide["tables"]:
        parts.append(f"<table><caption>Table {table['table_no']}: {e(table['title'])}</caption>")
        parts.append(
            "<thead><tr><th>Outcome</th><th>Comparison</th><th>Result</th><th>Strength of Evidence</th></tr></thead><tbody>"
        )
        rows = table["rows"]
        for index, row in enumerate(rows):
            span = 1
            while index + span < len(rows) and rows[index + span]["merged"]:
                span += 1
            outcome = "" if row["merged"] else f"<td rowspan='{span}'>{e(row['outcome'][0])}</td>"
            parts.append(
                f"<tr>{outcome}<td>{e(row['comparison'])}</td><td>{e(row['result'])}</td><td>{e(row['grade'])}</td></tr>"
            )
        parts.append("</tbody></table>")
    parts.append("<h2>References</h2><ol>")
    parts += [
        f"<li>{e(title)} - PubMed [pubmed.ncbi.nlm.nih.gov]</li>" for title in guide["references"]
    ]
    parts.append("</ol></article></main><footer>BenchChem</footer></body></html>")
    return "\n".join(parts) + "\n"


def generate(out: Path, guides: int, seed: int = 1, html_share: float = 0.5,
             defective_rows: float = 0.02, defective_files: float = 0.01) -> Path:  # fmt: skip
    """Write OUT/raw and OUT/expected.jsonl; returns the registry path."""
    raw = out / "raw"
    shutil.rmtree(raw, ignore_errors=True)
    for folder in ("vocab", "references", "estimates"):
        shutil.copytree(ROOT / "raw" / folder, raw / folder)
    (raw / "guides").mkdir(parents=True)
    shutil.copy(ROOT / "raw" / "sources.toml", raw / "sources.toml")
    generator = Generator(seed, defective_rows)
    with (out / "expected.jsonl").open("w") as expected:
        for number in range(1, guides + 1):
            as_html = generator.rng.random() < html_share
            name = f"guide-{number:06d}.{'html' if as_html else 'txt'}"
            if generator.rng.random() < defective_files:
                (raw / "guides" / name).write_bytes(b"\x00\x01 not a guide")
                continue
            guide, findings = generator.guide(number, f"guides/{name}")
            (raw / "guides" / name).write_text(
                render_html(guide) if as_html else render_text(guide)
            )
            for finding in findings:
                expected.write(json.dumps(asdict(finding)) + "\n")
    return raw / "sources.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--guides", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--html-share", type=float, default=0.5)
    parser.add_argument("--defective-rows", type=float, default=0.02)
    parser.add_argument("--defective-files", type=float, default=0.01)
    args = parser.parse_args()
    registry = generate(
        args.out, args.guides, args.seed, args.html_share, args.defective_rows, args.defective_files
    )
    print(registry)


if __name__ == "__main__":
    main()
