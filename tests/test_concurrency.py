"""One writer, many readers, with real processes: of two runs started together one is refused at
once, a killed run's lock is taken over, and readers of the warehouse and the exports keep a
consistent view across swaps. Everything here counts events; nothing waits a fixed time."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from pipelines.cli import Exit
from tests.faults import Harness

# Reads until the stop file appears; prints each release it sees for the first time, then a summary.
READER = textwrap.dedent(
    """
    import json, os, sys
    import duckdb, pyarrow.parquet as pq
    warehouse, stop = sys.argv[1], sys.argv[2]
    reads, problems, seen = 0, [], []
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(f"{warehouse}/evidence.duckdb", read_only=True)
            try:
                findings = con.sql("SELECT count(*) FROM core.findings").fetchall()[0][0]
                cited = con.sql("SELECT count(*) FROM core.finding_verdicts").fetchall()[0][0]
            finally:
                con.close()
            if (findings, cited) != (10, 10):
                problems.append(f"warehouse: {findings} findings, {cited} verdicts")
            manifest = json.load(open(f"{warehouse}/exports/manifest.json"))
            release = f"{warehouse}/releases/{manifest['release_id']}"
            for entry in manifest["files"]:
                rows = pq.ParquetFile(f"{release}/{entry['path']}").metadata.num_rows
                if rows != entry["rows"]:
                    problems.append(f"{entry['path']}: {rows} rows, manifest says {entry['rows']}")
            reads += 1
            if manifest["release_id"] not in seen:
                seen.append(manifest["release_id"])
                print(manifest["release_id"], flush=True)
        except Exception as exc:
            problems.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"reads": reads, "problems": problems[:10], "seen": seen}), flush=True)
    """
)
SWAPS = 3


def test_of_two_runs_started_together_one_is_refused_at_once_and_a_killed_runs_lock_is_taken_over(
    prefect_api, tmp_path
):
    harness = Harness(tmp_path, prefect_api)
    harness.touch_input()
    first = harness.start()
    second = harness.start()  # immediately: before the first can have begun its flow
    runs = {first.pid: first, second.pid: second}
    try:
        # Whichever took the lock, the other is refused while the winner is still starting up.
        while not (ended := [pid for pid, p in runs.items() if p.poll() is not None]):
            time.sleep(0.01)
        refused, winner = runs.pop(ended[0]), next(iter(runs.values()))
        assert refused.returncode == Exit.LOCKED
        assert winner.poll() is None, "the refused run waited for the winner to finish"
        lock = harness.layout.root / ".lock"
        assert lock.read_text() == f"pid {winner.pid}"
        os.killpg(winner.pid, signal.SIGKILL)
        winner.wait()
    finally:
        for process in (first, second):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    assert lock.read_text() == f"pid {winner.pid}"  # the dead run's note is still there ...
    assert harness.run_to_end() == 0  # ... and its lock is taken over


def test_the_refusal_names_the_holder(prefect_api, tmp_path):
    harness = Harness(tmp_path, prefect_api)
    first = harness.start()
    try:
        lock = harness.layout.root / ".lock"
        while not (lock.exists() and lock.read_text() == f"pid {first.pid}"):
            assert first.poll() is None, "the first run ended before it took the lock"
            time.sleep(0.01)
        started = time.monotonic()
        second = subprocess.run(
            [str(Path(sys.executable).parent / "dermevidence"), "run", "--warehouse", str(harness.layout.root)],
            env=harness.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        refused_in = time.monotonic() - started
        assert second.returncode == Exit.LOCKED
        assert f"is being built by pid {first.pid}; wait for that run to finish" in second.stderr
        assert first.poll() is None
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    print(f"second run refused in {refused_in:.2f} s")


def test_readers_keep_a_consistent_view_while_runs_build_and_swap(prefect_api, tmp_path):
    harness = Harness(tmp_path, prefect_api)
    assert harness.run_to_end() == 0
    stop = tmp_path / "stop-reading"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(harness.layout.root), str(stop)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        releases = [reader.stdout.readline().strip()]
        for _ in range(SWAPS):
            harness.touch_input()
            assert harness.run_to_end() == 0
            live = harness.layout.exports.resolve().name
            # The reader goes on reading until it has seen the release this run swapped in.
            while releases[-1] != live:
                releases.append(reader.stdout.readline().strip())
                assert releases[-1], "the reader stopped before it saw the new release"
    finally:
        stop.touch()
    report = json.loads(reader.stdout.readline())
    reader.wait(timeout=60)
    assert report["problems"] == []
    assert report["seen"] == releases and len(releases) == SWAPS + 1
    print(f"{report['reads']} consistent reads across {SWAPS} swaps")
