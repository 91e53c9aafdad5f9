"""`dermevidence validate`: files parsed and checked without loading them, problems as
file:line: message."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.common import Exit, SourcesOption, app, console, fail, printable


@app.command()
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Guides, bibliographic files, estimates (CSV or published tables), vocabulary CSVs, a sources registry, or folders of them, to check."
        ),
    ],
    sources: SourcesOption = Path("raw/sources.toml"),
) -> None:
    """Parse and check files without loading them; problems print as file:line: message."""
    from pipelines.file_checker import check_files
    from pipelines.pull.sources import ConfigError

    try:
        checked = check_files(paths, sources)
    except ConfigError as exc:
        fail(Exit.CONFIG, str(exc))
    for line in [*checked.problems, *checked.unchecked]:
        typer.echo(printable(line))
    done = checked.checked
    skipped = f", {len(checked.unchecked)} not checked" if checked.unchecked else ""
    console.print(
        f"{done} file(s) checked, {len(checked.problems)} problem(s){skipped}.", style="dim"
    )
    raise typer.Exit(int(Exit.ISSUES if checked.problems or checked.unchecked else Exit.OK))
