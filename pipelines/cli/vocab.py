"""`dermevidence vocab`: working with the vocabularies under raw/vocab/."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.common import WarehouseOption, app, console, read_only

vocab_app = typer.Typer(help="Work with the vocabularies under raw/vocab/.", no_args_is_help=True)
app.add_typer(vocab_app, name="vocab")


@vocab_app.command("suggest")
def vocab_suggest(
    warehouse: WarehouseOption = Path("warehouse"),
    vocab: Annotated[Path, typer.Option("--vocab", help="Folder of the vocabulary CSVs.")] = Path(
        "raw/vocab"
    ),
) -> None:
    """CSV rows to add to raw/vocab/ for the terms the last run could not match."""
    from pipelines.interpret.suggestions import Unmatched, suggest

    with read_only(warehouse) as con:
        rows = con.sql(
            """SELECT vocabulary, text, sum(occurrences)::INTEGER,
                      arg_max(runner_up, runner_up_score), max(runner_up_score)
               FROM quality.term_matches WHERE method = 'unmatched'
               GROUP BY vocabulary, text ORDER BY vocabulary, text"""
        ).fetchall()
    terms = [Unmatched(*row) for row in rows]
    if not terms:
        console.print("Every printed term of the last run matched a vocabulary entry.")
        return
    texts = {
        term.vocabulary: (vocab / f"{term.vocabulary}.csv").read_text(encoding="utf-8")
        for term in terms
        if (vocab / f"{term.vocabulary}.csv").exists()
    }
    sys.stdout.write(suggest(terms, texts))
