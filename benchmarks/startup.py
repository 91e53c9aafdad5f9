"""What a run costs before any work: the seed through `dermevidence run` against the background
server it starts, next to a trivial one-task flow against the same server.

    .venv/bin/python -m benchmarks.startup [--repeats 3] [--output FILE]

Every figure is the wall time of a whole process (interpreter start, imports, Prefect, work), the
median of --repeats runs, all in one session one after the other: `run --no-server` (a temporary
server, as before the background server existed) with a fresh Prefect home and again with that
home; the first `run`, which starts the background server (a fresh home too); later runs on a fresh warehouse (all the seed's work) and on an
unchanged one (nothing rebuilt); the trivial flow. The server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipelines.runtime import prefect_env

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).parent / "dermevidence")
TRIVIAL = """
from prefect import flow, task

@task
def one() -> int:
    return 1

@flow
def trivial() -> int:
    return one()

assert trivial() == 1
"""


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds


def measure(workdir: Path, repeats: int) -> dict[str, float]:
    home = workdir / "server-home"
    env = {**os.environ, **prefect_env.DEFAULTS, "DERMEVIDENCE_SERVER_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    shutil.copytree(ROOT / "raw", workdir / "raw")
    fresh = iter(range(10_000))

    def run(*options: str, warehouse: str | None = None) -> float:
        target = warehouse or f"warehouse-{next(fresh)}"
        return timed([CLI, "run", "-q", "--warehouse", target, *options], env, workdir)

    try:
        # Prefect's temporary server keeps its database in PREFECT_HOME: a fresh one on a new
        # machine (migrations, as the background server's first start), an existing one after.
        env["PREFECT_HOME"] = str(workdir / "prefect-home")
        figures = {"run --no-server, first ever (temporary server)": run("--no-server")}
        figures["run --no-server, later (temporary server)"] = run("--no-server")
        figures["first run (starts the background server)"] = run(warehouse="warehouse-kept")
        url = prefect_env.running_server_url(home)
        assert url is not None, "the first run left no server running"
        flow_env = {**env, "PREFECT_API_URL": url}
        for label, runs in (
            ("later run, fresh warehouse (all the work)", lambda: run()),
            ("later run, unchanged (nothing rebuilt)", lambda: run(warehouse="warehouse-kept")),
            ("trivial one-task flow", lambda: timed([sys.executable, "-c", TRIVIAL], flow_env, workdir)),
        ):  # fmt: skip
            figures[label] = statistics.median(runs() for _ in range(repeats))
    finally:
        prefect_env.stop_server(home)
    return figures


def markdown(figures: dict[str, float], repeats: int) -> str:
    trivial = figures["trivial one-task flow"]
    lines = ["| process | wall (s) | ÷ trivial flow |", "|---|---:|---:|"]
    lines += [f"| {label} | {s:.2f} | {s / trivial:.2f} |" for label, s in figures.items()]
    return "\n".join(lines) + f"\n\nMedian of {repeats} for the later runs and the trivial flow.\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path, help="write the table here (markdown)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dermevidence-startup-") as folder:
        figures = measure(Path(folder), args.repeats)
    table = markdown(figures, args.repeats)
    print(table)
    if args.output:
        args.output.write_text(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
