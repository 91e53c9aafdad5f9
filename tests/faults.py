"""Fault injection: run `dermevidence run` and SIGKILL it at each stage boundary and at random
moments, then check what a consumer could see.

    .venv/bin/python -m tests.faults [--kills 72] [--seed 7] [--api-url URL]

Each stage boundary (pipelines/failpoints.py: the lock taken, a parse shard half written, the new
DuckDB file started, the copy of the live warehouse to update made, a release half staged, a part
hard-linked from the live release, a release in place, the warehouse swapped, the exports
switched, a shard no longer used renamed away; in a run whose inputs are unchanged (it only
records itself), the copy of the warehouse made and swapped in; a run held back by the publish
gate; a damaged warehouse file set aside for repair) is hit exactly: the run kills itself there
(DERMEVIDENCE_FAILPOINT), and the harness asserts that it died by SIGKILL and that the file system
shows the moment the boundary names, as a consumer would see it. The other kills come from outside
at random moments, in runs of several kinds (SCENARIOS: a guide changed, a run held back by the
gate, a warehouse file deleted, damaged or another warehouse's, a live release part damaged or
deleted). After every kill: `evidence.duckdb` opens
read-only and is a complete warehouse (after a repair run, once the next run has mended it),
`exports` points at a complete release whose files match its manifest, no release folder is
partial, and the next run succeeds and leaves no debris. A run that never reaches its boundary
is reported with its stage lines and those of the run before it (which path each took). Exit
code 0 when every check held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.runtime import failpoints, prefect_env
from pipelines.store.layout import Layout, visible_folders
from pipelines.store.load import unreadable
from pipelines.store.publish import MANIFEST, verify_release
from pipelines.store.repair import foreign

ROOT = Path(__file__).resolve().parent.parent
BOUNDARIES = failpoints.NAMES
# A run over unchanged inputs builds nothing: it copies the warehouse, records itself in meta and
# swaps the copy in, watched as the same files as a build's.
UNCHANGED = {"unchanged-copy": "load", "unchanged-swapped": "swapped"}
# A run whose reference data changed builds the warehouse anew; one that changed a guide updates
# a copy of the live warehouse and hard-links the release parts the live release has.
BUILT_ANEW = {"load"}
UPDATED = {"update", "release-linked"}
# What the run killed at random was doing: most change a guide; some are held back by the publish
# gate (an estimates path mistyped), some rebuild a warehouse file found deleted or damaged, or
# another warehouse's file put in its place, some publish again a live release whose part was
# damaged or deleted.
SCENARIOS = ("guide", "guide", "guide", "gate", "repair", "foreign", "part")
# The scenarios whose damage a kill may leave in place for the next run to mend.
MENDED = {"repairing", "repair", "foreign", "part"}


@dataclass
class Outcome:
    kills: Counter[str] = field(default_factory=Counter)
    finished_before_kill: Counter[str] = field(default_factory=Counter)
    exports_behind: int = 0
    violations: list[str] = field(default_factory=list)


class Harness:
    def __init__(self, workdir: Path, api_url: str) -> None:
        self.project = workdir / "project"
        shutil.copytree(ROOT / "raw", self.project / "raw")
        self.layout = Layout(workdir / "project" / "warehouse")
        self.env = {**os.environ, "PREFECT_API_URL": api_url, **prefect_env.DEFAULTS}
        self.runs = 0
        self.said = workdir / "said"  # each run's stderr: its stage lines say what it did
        self.said.mkdir()

    def start(self, failpoint: str | None = None) -> subprocess.Popen[bytes]:
        self.runs += 1
        env = {**self.env, failpoints.VARIABLE: failpoint} if failpoint else self.env
        with (self.said / f"{self.runs}.txt").open("wb") as said:
            return subprocess.Popen(
                [str(Path(sys.executable).parent / "dermevidence"), "run", "--sources",
                 str(self.project / "raw" / "sources.toml"), "--warehouse", str(self.layout.root)],
                env=env, stdout=subprocess.DEVNULL, stderr=said, start_new_session=True,
            )  # fmt: skip

    def what_runs_said(self, last: int) -> str:
        """The last runs' stage lines, for a violation's message (why a run took the path it did)."""
        lines = []
        for number in range(max(1, self.runs - last + 1), self.runs + 1):
            text = (self.said / f"{number}.txt").read_text(errors="replace")
            stages = [line.strip() for line in text.splitlines() if re.match(r"^[a-z]+ +\d", line)]
            lines.append(f"run {number}: " + " | ".join(stages))
        return "; ".join(lines)

    def run_to_end(self) -> int:
        return self.start().wait(timeout=600)

    def touch_input(self) -> None:
        """Change one guide so the next run re-parses it and updates a copy of the warehouse."""
        guide = next((self.project / "raw" / "guides").glob("*.txt"))
        guide.write_text(guide.read_text() + "\n")

    def break_source(self) -> Callable[[], None]:
        """Mistype the estimates path, so the next run is held back by the publish gate; what
        puts it back."""
        registry = self.project / "raw" / "sources.toml"
        text = registry.read_text()
        registry.write_text(text.replace('path = "estimates/*.csv"', 'path = "estimate/*.csv"'))
        return lambda: registry.write_text(text)

    def damage_warehouse(self, rng: random.Random) -> None:
        """Delete or overwrite the live warehouse file, so the next run repairs it."""
        if rng.random() < 0.5:
            self.layout.database.unlink()
        else:
            self.layout.database.write_bytes(b"damaged" * 1000)

    def put_foreign_warehouse(self) -> None:
        """Put another warehouse's file (built once, from the same inputs) in place of the live
        one, so the next run recognizes it by its runs and rebuilds."""
        other = Layout(self.layout.root.parent.parent / "other" / "warehouse")
        if not other.database.exists():
            process = subprocess.run(
                [str(Path(sys.executable).parent / "dermevidence"), "run", "--sources",
                 str(self.project / "raw" / "sources.toml"), "--warehouse", str(other.root)],
                env=self.env, capture_output=True, timeout=600, check=False,
            )  # fmt: skip
            assert process.returncode in (0, 3), process.stderr
        shutil.copyfile(other.database, self.layout.database)

    def damage_part(self, rng: random.Random) -> None:
        """Delete a part of the live release, or flip a byte of one, so the next run publishes a
        whole release again."""
        parts = sorted(self.layout.exports.resolve().glob("core/*/*.parquet"))
        part = parts[rng.randrange(len(parts))]
        if rng.random() < 0.5:
            part.unlink()
            return
        data = bytearray(part.read_bytes())
        data[len(data) // 2] ^= 0xFF
        part.chmod(0o644)
        part.write_bytes(bytes(data))

    def touch_reference(self) -> None:
        """Change the effect estimates so the next run builds the warehouse anew."""
        estimates = next((self.project / "raw" / "estimates").glob("*.csv"))
        estimates.write_text(estimates.read_text() + "\n")

    def boundary_reached(self, boundary: str, before: dict[str, object]) -> bool:
        root, releases = self.layout.root, self.layout.releases
        boundary = UNCHANGED.get(boundary, boundary)
        if boundary == "locked":
            return (root / ".lock").exists() and (root / ".lock").stat().st_mtime_ns != before[
                "lock"
            ]
        if boundary == "parse":  # a shard half written: its staging folder left behind
            return any(self.layout.shards.glob(".*.tmp"))
        if boundary in ("load", "update"):
            return any(root.glob(".evidence.duckdb.*.building"))
        if boundary == "release-staged":
            return any(releases.glob(".*.tmp"))
        if boundary == "shard-pruning":
            return any(self.layout.shards.glob(".*.deleting"))
        if boundary == "gated":  # built, held back: the live release as it was
            return (
                any(root.glob(".evidence.duckdb.*.building"))
                and _target(self.layout.exports) == before["exports"]
            )
        if boundary == "repairing":  # the warehouse file deleted, or set aside by the run
            return not self.layout.database.exists()
        if boundary == "release-linked":  # a staged file that is also the live release's
            return any(p.stat().st_nlink > 1 for p in releases.glob(".*.tmp/**/*.parquet"))
        swapped = _inode(self.layout.database) != before["database"]
        if boundary == "release-ready":  # in place (a new folder without the dot), not swapped
            return _visible(releases) - before["releases"] != set() and not swapped
        switched = _target(self.layout.exports) != before["exports"]
        if boundary == "swapped":
            return swapped and not switched
        return switched

    def snapshot(self) -> dict[str, object]:
        lock = self.layout.root / ".lock"
        return {
            "lock": lock.stat().st_mtime_ns if lock.exists() else None,
            "shards": _names(self.layout.shards),
            "releases": _visible(self.layout.releases),
            "database": _inode(self.layout.database),
            "exports": _target(self.layout.exports),
        }

    def kill_at(self, boundary: str) -> list[str]:
        """A run that kills itself at `boundary`; what went wrong if it did not, or if the file
        system does not show the moment the boundary names."""
        before = self.snapshot()
        code = self.start(failpoint=boundary).wait(timeout=600)
        if code != -signal.SIGKILL:
            said = self.what_runs_said(2)
            return [f"the run never reached {boundary}: it exited {code} ({said})"]
        if not self.boundary_reached(boundary, before):
            return [f"killed at {boundary}, but the file system shows no sign of that moment"]
        return []

    def kill_when(self, reached: Callable[[], bool], deadline: float) -> bool:
        """Start a run and SIGKILL it once `reached()`; False when it finished first."""
        process = self.start()
        while process.poll() is None and time.monotonic() < deadline:
            if reached():
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.002)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return True
        return False

    def check(self, label: str, outcome: Outcome, damaged: bool = False) -> None:
        """What a consumer sees must be whole. After a kill of a run sent to mend what the
        harness `damaged` (the warehouse file deleted, overwritten or another warehouse's; a part
        of the live release), that damage may still be there (the kill came before the repair,
        or during it, or after the new release went live and before the damaged one was removed):
        the next run must then mend it."""
        problems = []
        still = unreadable(self.layout.database) is not None or (
            self.layout.database.exists() and foreign(self.layout.database, self.layout)
        )
        releases = [self.layout.exports, *visible_folders(self.layout.releases)]
        if damaged and (still or any(verify_release(r) for r in releases)):
            code = self.run_to_end()
            if code not in (0, 3):
                problems.append(f"the run mending the warehouse exited {code}")
        try:
            con = duckdb.connect(str(self.layout.database), read_only=True)
            try:
                findings = con.sql("SELECT count(*) FROM core.findings").fetchall()[0][0]
                release = con.sql(
                    "SELECT release_id FROM meta.runs WHERE release_id IS NOT NULL"
                    " ORDER BY finished_at DESC LIMIT 1"
                ).fetchall()[0][0]
            finally:
                con.close()
            if findings != 10:
                problems.append(f"warehouse holds {findings} findings, not 10")
        except duckdb.Error as exc:
            problems.append(f"warehouse does not open read-only: {exc}")
            release = None
        exports = self.layout.exports
        if not exports.is_dir():
            problems.append("exports does not point at a folder")
        else:
            problems += [f"exports: {p}" for p in verify_release(exports)]
            manifest = json.loads((exports / MANIFEST).read_text())
            if manifest["release_id"] != exports.resolve().name:
                problems.append("exports manifest names another release")
            if release and manifest["release_id"] != release:
                outcome.exports_behind += 1
        for folder in self.layout.releases.iterdir():
            if not folder.name.startswith("."):
                problems += [f"release {folder.name}: {p}" for p in verify_release(folder)]
        outcome.violations += [f"{label}: {p}" for p in problems]


def _names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _visible(folder: Path) -> set[str]:
    return {name for name in _names(folder) if not name.startswith(".")}


def _inode(path: Path) -> int | None:
    return path.stat().st_ino if path.exists() else None


def _target(path: Path) -> str | None:
    return os.readlink(path) if path.is_symlink() else None


def inject(
    kills: int,
    seed: int,
    workdir: Path,
    api_url: str,
    log: Callable[[str], None],
    scenarios: tuple[str, ...] = SCENARIOS,
    boundaries: tuple[str, ...] = BOUNDARIES,
) -> Outcome:
    """`kills` runs killed (every one of `boundaries` in turn, then random moments in runs of the
    `scenarios`), each followed by checks."""
    rng = random.Random(seed)
    harness = Harness(workdir, api_url)
    outcome = Outcome()
    started = time.monotonic()
    if harness.run_to_end() not in (0, 3):
        outcome.violations.append("the first run failed")
        return outcome
    # How long each kind of run takes, at most: a random kill falls inside it. The first run's
    # time to begin with, lowered to that of any run of the kind that finished before its kill.
    typical = dict.fromkeys(scenarios, time.monotonic() - started)
    for number in range(kills):
        boundary = boundaries[number] if number < len(boundaries) else "random"
        scenario = rng.choice(scenarios) if boundary == "random" else boundary
        restore = None
        if scenario in ("gated", "gate"):
            restore = harness.break_source()
        elif scenario in ("repairing", "repair"):
            harness.damage_warehouse(rng)
        elif scenario == "foreign":
            harness.put_foreign_warehouse()
        elif scenario == "part":
            harness.damage_part(rng)
        elif boundary in UNCHANGED:
            harness.run_to_end()  # these inputs built and published: the next run only records
        elif boundary in BUILT_ANEW:
            harness.touch_reference()
        else:
            if boundary in UPDATED:  # a live warehouse of today's reference data, to update
                harness.run_to_end()
            harness.touch_input()  # unchanged inputs are not rebuilt: give every run work
        if boundary == "random":
            begun = time.monotonic()
            moment = begun + rng.uniform(0, typical[scenario])
            killed = harness.kill_when(
                lambda moment=moment: time.monotonic() >= moment, moment + 600
            )
            if not killed:
                typical[scenario] = min(typical[scenario], time.monotonic() - begun)
        else:
            missed = harness.kill_at(boundary)
            outcome.violations += [f"kill {number + 1}: {m}" for m in missed]
            killed = not missed
        name = boundary if boundary != "random" else f"random {scenario}"
        (outcome.kills if killed else outcome.finished_before_kill)[name] += 1
        harness.check(f"kill {number + 1} ({name})", outcome, scenario in MENDED)
        if restore is not None:
            restore()
        log(f"kill {number + 1}/{kills} at {name}: {'killed' if killed else 'finished first'}")
    code = harness.run_to_end()
    if code not in (0, 3):
        outcome.violations.append(f"the run after the last kill exited {code}")
    harness.check("after the final run", outcome)
    debris = [
        *harness.layout.root.glob(".evidence.duckdb.*"),
        *harness.layout.releases.glob(".*"),
        *harness.layout.shards.glob(".*"),
        *harness.layout.input_status.parent.glob(".*.tmp"),
    ]
    outcome.violations += [f"debris after the final run: {p.name}" for p in debris]
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=72)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--api-url", help="A running Prefect server (default: start one).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dermevidence-faults-") as workdir:
        home = Path(workdir) / "prefect"
        api_url = args.api_url or prefect_env.start_server(home, port=4299, timeout=180)
        try:
            started = time.monotonic()
            outcome = inject(args.kills, args.seed, Path(workdir), api_url, print)
        finally:
            if not args.api_url:
                prefect_env.stop_server(home)
    print(
        f"{sum(outcome.kills.values())} kills {dict(outcome.kills)}; finished before the kill: {dict(outcome.finished_before_kill)}"
    )
    print(f"exports one release behind the warehouse after a kill: {outcome.exports_behind}")
    print(f"violations: {len(outcome.violations)}; {time.monotonic() - started:.0f} s")
    for violation in outcome.violations:
        print(f"  {violation}")
    return 1 if outcome.violations else 0


if __name__ == "__main__":
    sys.exit(main())
