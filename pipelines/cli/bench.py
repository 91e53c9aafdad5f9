"""`dermevidence bench`: the benchmark script, its options passed through."""

from __future__ import annotations

import typer

from pipelines.cli.common import app


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def bench(context: typer.Context) -> None:
    """Run the benchmark (benchmarks/run.py); its options follow, e.g. --sizes 1000 10000."""
    from benchmarks.run import main

    raise typer.Exit(main(context.args))
