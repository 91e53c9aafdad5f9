"""`dermevidence docs`: the data dictionary generated from schemas/, and docs/verdicts.md from a
built warehouse."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.common import app, console, read_only


@app.command()
def docs(
    output: Annotated[Path, typer.Option(help="Where to write the data dictionary.")] = Path(
        "docs/data-dictionary.md"
    ),
    verdicts: Annotated[
        Path | None,
        typer.Option(
            "--verdicts",
            help="Also write docs/verdicts.md from this warehouse folder (one built from the seed and the dev set).",
        ),
    ] = None,
) -> None:
    """Regenerate the data dictionary from schemas/ (and, with --verdicts, docs/verdicts.md)."""
    from schemas.render import data_dictionary

    output.write_text(data_dictionary(), encoding="utf-8")
    console.print(f"wrote {output}")
    if verdicts is not None:
        from pipelines.store.verdict_list import verdict_list

        with read_only(verdicts) as con:
            text = verdict_list(con)
        target = output.parent / "verdicts.md"
        target.write_text(text, encoding="utf-8")
        console.print(f"wrote {target}")
