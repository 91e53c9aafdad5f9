"""`--dask-address` against a real cluster started apart from the flow, as on other machines: a
`dask scheduler` and two `dask worker` processes, each worker in a mount namespace of its own where
the project's raw/ and warehouse/ and the corpus (with every warehouse of this test) are empty
tmpfs, in an empty working directory. Workers get bytes and send bytes back; the release must be
byte-identical to a run without Dask, also when a worker is SIGKILLed mid-run. A cluster that
cannot be reached, or whose worker cannot import the code, ends the run with exit 8 and one line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from benchmarks.corpus import generate
from pipelines.cli import Exit
from pipelines.runtime import prefect_env
from pipelines.runtime.prefect_env import free_port
from tests.conftest import ROOT

CLI = str(Path(sys.executable).parent / "dermevidence")
DASK = str(Path(sys.executable).parent / "dask")
UNSHARE = shutil.which("unshare")
pytestmark = pytest.mark.skipif(
    UNSHARE is None or os.geteuid() != 0, reason="needs unshare -m (root) to hide folders"
)


class Cluster:
    """A scheduler and workers, each process group killed at the end."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root, self.env, self.port = root, env, free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self._start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"])  # fmt: skip

    def _start(self, name: str, command: list[str], cwd: Path | None = None) -> None:
        log = (self.root / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(
            command, env=dict(self.env), cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def add_worker(self, name: str, hidden: list[Path]) -> None:
        """A worker that sees an empty tmpfs over each of `hidden`, started in an empty folder."""
        workdir = self.root / name
        workdir.mkdir()
        script = 'for d in "$@"; do mount -t tmpfs none "$d" || exit 1; done; exec "$DASK_CMD" worker "$ADDRESS" --nthreads 1 --no-dashboard --name "$NAME"'  # fmt: skip
        self.env.update(DASK_CMD=DASK, ADDRESS=self.address, NAME=name)
        self._start(name, [UNSHARE, "-m", "sh", "-c", script, "sh", *map(str, hidden)], workdir)

    def kill(self, name: str) -> None:
        process = self.processes.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name)


def _run(env: dict[str, str], registry: Path, warehouse: Path, *options: str):
    command = [CLI, "run", "-q", "--sources", str(registry), "--warehouse", str(warehouse), "--batch-size", "25", *options]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def _release_files(warehouse: Path) -> dict[str, str]:
    manifest = json.loads((warehouse / "exports" / "manifest.json").read_text())
    return {f["path"]: f["sha256"] for f in [*manifest["files"], *manifest["csv_files"]]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cluster-corpus")
    generate(folder, 300, seed=17)
    return folder


@pytest.fixture
def env(prefect_api: str) -> dict[str, str]:
    return {**os.environ, **prefect_env.DEFAULTS, "PREFECT_API_URL": prefect_api}


@pytest.fixture
def cluster(tmp_path: Path, env: dict[str, str], corpus: Path) -> Iterator[Cluster]:
    running = Cluster(tmp_path, dict(env))
    try:
        hidden = [p for p in (ROOT / "raw", ROOT / "warehouse", corpus) if p.is_dir()]
        for name in ("worker-1", "worker-2"):
            running.add_worker(name, hidden)
        with Client(running.address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            sees = client.run(lambda: [p.exists() and any(p.iterdir()) for p in hidden])
        assert list(sees.values()) == [[False] * len(hidden)] * 2  # as on another machine
        yield running
    finally:
        running.stop()


def test_a_cluster_without_shared_storage_builds_the_same_release_even_when_a_worker_dies(
    cluster: Cluster, corpus: Path, env: dict[str, str]
) -> None:
    registry = corpus / "raw" / "sources.toml"
    local = _run(env, registry, corpus / "warehouse-local")
    assert local.returncode == Exit.ISSUES, local.stderr  # the corpus's defective rows and files
    expected = _release_files(corpus / "warehouse-local")

    remote = _run(env, registry, corpus / "warehouse-dask", "--dask-address", cluster.address)
    assert remote.returncode == Exit.ISSUES, remote.stderr
    assert _release_files(corpus / "warehouse-dask") == expected

    # Again on a fresh warehouse; one worker is SIGKILLed once the first batch's shard is back.
    warehouse = corpus / "warehouse-killed"
    command = [CLI, "run", "-q", "--sources", str(registry), "--warehouse", str(warehouse), "--batch-size", "25", "--dask-address", cluster.address]  # fmt: skip
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip

    def parsed(warehouse: Path) -> int:
        """Batch shards written (reference shards are named <stage>-<key>)."""
        shards = warehouse / "cache" / "shards"
        if not shards.is_dir():
            return 0
        return sum(1 for p in shards.iterdir() if "-" not in p.name and not p.name.startswith("."))

    while parsed(warehouse) < 1 and run.poll() is None:
        time.sleep(0.05)
    assert run.poll() is None, "the run ended before a worker could be killed"
    cluster.kill("worker-1")
    _, stderr = run.communicate(timeout=600)
    assert run.returncode == Exit.ISSUES, stderr
    assert parsed(warehouse) == parsed(corpus / "warehouse-local") == 12  # the lost worker's too
    assert _release_files(warehouse) == expected


def test_an_unreachable_cluster_and_a_worker_without_the_code_end_the_run_in_one_line(
    tmp_path: Path, env: dict[str, str], corpus: Path
) -> None:
    registry = corpus / "raw" / "sources.toml"
    nobody = f"tcp://127.0.0.1:{free_port()}"
    unreachable = _run(env, registry, tmp_path / "w1", "--dask-address", nobody)
    assert unreachable.returncode == Exit.CLUSTER
    assert unreachable.stderr.splitlines()[-1].startswith(
        f"error: cannot reach the Dask scheduler at {nobody}: "
    )
    assert "Traceback" not in unreachable.stderr

    broken = Cluster(tmp_path, dict(env))
    try:
        broken.add_worker("codeless", [ROOT / "pipelines"])  # the project's code is not there
        with Client(broken.address, timeout=60) as client:
            client.wait_for_workers(1, timeout=120)
        refused = _run(env, registry, tmp_path / "w2", "--dask-address", broken.address)
    finally:
        broken.stop()
    assert refused.returncode == Exit.CLUSTER
    assert len(refused.stderr.strip().splitlines()) == 1
    assert refused.stderr.startswith(
        f"error: a worker of {broken.address} cannot run this project's code (ModuleNotFoundError("
    )
    assert "No module named 'pipelines." in refused.stderr
