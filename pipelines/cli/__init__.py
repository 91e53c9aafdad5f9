"""CLI: the `dermevidence` command, one module per command group, all registered on the one app.

`common` holds the app, the exit codes, the options several commands share and `fail` (one line
on stderr, a documented exit code); each other module adds its commands to that app: `run`,
`validate`, `inspect` (query, tables, report, changes, history), `bench`, `docs`, `serve` (serve and the
`server` group) and `vocab`. They are imported here in the order `dermevidence --help` lists
them. The CLI may import every wing, the top of `pipelines` and Prefect (with `flows`, the only
code that does); it imports Prefect and the heavy wings inside the commands, so `--help` and a
refused argument stay fast. Nothing imports the CLI but tests and the `dermevidence` entry point.
"""

# Each import registers its module's commands; the order is the one `--help` lists them in.
# isort: off
from pipelines.cli import run, validate, inspect, bench, docs, serve, vocab  # noqa: F401

# isort: on
from pipelines.cli.common import Exit, app, main

__all__ = ["Exit", "app", "main"]
