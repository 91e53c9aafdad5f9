"""`dermevidence validate`: files parsed and checked without loading them, problems as
file:line: message."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.common import Exit, SourcesOption, app, console, fail


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="Guide files or vocabulary CSVs to check.")],
    sources: SourcesOption = Path("raw/sources.toml"),
) -> None:
    """Parse and check files without loading them; problems print as file:line: message."""
    from pipelines.file_checker import check_files
    from pipelines.pull.sources import ConfigError

    try:
        problems = check_files(paths, sources)
    except ConfigError as exc:
        fail(Exit.CONFIG, str(exc))
    for problem in problems:
        typer.echo(problem)
    console.print(f"{len(paths)} file(s) checked, {len(problems)} problem(s).", style="dim")
    raise typer.Exit(int(Exit.ISSUES if problems else Exit.OK))
