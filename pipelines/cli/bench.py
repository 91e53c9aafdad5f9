"""`dermevidence bench`: the benchmark script, its options passed through."""

from __future__ import annotations

import typer

from pipelines.cli.common import app


@app.command(
    context_settings={
        "allow_extra_args": True,
        "ignore_unknown_options": True,
        "help_option_names": [],  # --help and -h are the benchmark's: they list its options
    }
)
def bench(context: typer.Context) -> None:
    """Run the benchmark (benchmarks/run.py); its options follow, e.g. --sizes 1000 10000
    (`dermevidence bench --help` lists them)."""
    from benchmarks.run import main

    raise typer.Exit(main(context.args))
