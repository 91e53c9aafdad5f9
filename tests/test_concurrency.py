"""One writer, many readers, with real processes: a second run is refused at once, a killed run's
lock is taken over, and readers of the warehouse and the exports keep a consistent view."""

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

READER = textwrap.dedent(
    """
    import json, sys, time
    import duckdb, pyarrow.parquet as pq
    warehouse, seconds = sys.argv[1], float(sys.argv[2])
    reads, problems, deadline = 0, [], time.monotonic() + seconds
    while time.monotonic() < deadline:
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
        except Exception as exc:
            problems.append(f"{type(exc).__name__}: {exc}")
    print(json.dumps({"reads": reads, "problems": problems[:10]}))
    """
)


def test_a_second_run_is_refused_at_once_and_a_killed_runs_lock_is_taken_over(
    prefect_api, tmp_path
):
    harness = Harness(tmp_path, prefect_api)
    harness.touch_input()
    launched = time.monotonic()
    first = harness.start()
    lock = harness.layout.root / ".lock"
    # The CLI takes the lock before anything else (before Prefect starts): the second run is
    # started as soon as the first names itself there, long before its flow begins.
    while not (lock.exists() and lock.read_text() == f"pid {first.pid}"):
        assert first.poll() is None, "the first run ended before it took the lock"
        time.sleep(0.01)
    held_after = time.monotonic() - launched
    assert not (harness.layout.root / "reports").exists() or not any(
        (harness.layout.root / "reports").glob("*.json")
    )  # no run of this test has reported yet: the first is still starting
    started = time.monotonic()
    second = subprocess.run(
        [str(Path(sys.executable).parent / "dermevidence"), "run", "--warehouse", str(harness.layout.root)],
        env=harness.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    refused_in = time.monotonic() - started
    assert second.returncode == Exit.LOCKED
    assert f"is being built by pid {first.pid}; wait for that run to finish" in second.stderr
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert lock.read_text() == f"pid {first.pid}"  # the dead run's note is still there ...
    assert harness.run_to_end() == 0  # ... and its lock is taken over
    print(
        f"first run held the lock {held_after:.2f} s after launch; second refused in {refused_in:.2f} s"
    )


def test_readers_keep_a_consistent_view_while_runs_build_and_swap(prefect_api, tmp_path):
    harness = Harness(tmp_path, prefect_api)
    assert harness.run_to_end() == 0
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(harness.layout.root), "25"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    swaps = 0
    while reader.poll() is None:
        harness.touch_input()
        assert harness.run_to_end() == 0
        swaps += 1
    report = json.loads(reader.stdout.read())
    assert report["problems"] == []
    assert swaps >= 2 and report["reads"] > 20
    print(f"{report['reads']} consistent reads across {swaps} swaps")
