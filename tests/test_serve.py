"""`dermevidence server start|status|stop` and `serve --cron`, run as a user runs them: a real
Prefect server and a real serving process, checked through the Prefect client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb
from prefect.client.orchestration import get_client
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings

from tests.conftest import _free_port

CLI = str(Path(sys.executable).parent / "dermevidence")
CRON = "0 6 * * *"
T = TypeVar("T")


def _until(what: str, probe: Callable[[], T | None], seconds: float) -> T:
    """Poll instead of sleeping a fixed time: a slow machine waits longer, a fast one does not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found is not None:
            return found
        time.sleep(0.5)
    raise AssertionError(f"gave up after {seconds:.0f} s waiting for {what}")


def test_served_deployment_keeps_its_schedule_and_a_triggered_run_builds_the_warehouse(
    tmp_path: Path, project: Path
) -> None:
    env = {
        **os.environ,
        "DERMEVIDENCE_SERVER_HOME": str(tmp_path / "server-home"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
    }
    env.pop("PREFECT_API_URL", None)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args], env=env, capture_output=True, text=True, timeout=240, check=False
        )

    started = cli("server", "start", "--port", str(port))
    serving: subprocess.Popen | None = None
    try:
        assert started.returncode == 0, started.stderr
        assert started.stdout.splitlines()[-1] == url
        assert cli("server", "status").stdout.strip() == url
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200 and b"<html" in page.read().lower()
        log = (tmp_path / "serve.log").open("w")
        serving = subprocess.Popen(
            [CLI, "serve", "--cron", CRON, "--name", "nightly", "--sources",
             str(project / "raw" / "sources.toml"), "--warehouse", str(project / "warehouse")],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        with (
            temporary_settings(updates={PREFECT_API_URL: url}),
            get_client(sync_client=True) as client,
        ):

            def deployment():
                try:
                    return client.read_deployment_by_name("build_warehouse/nightly")
                except ObjectNotFound:
                    assert serving.poll() is None, (tmp_path / "serve.log").read_text()
                    return None

            served = _until("the deployment to be registered", deployment, 120)
            assert [s.schedule.cron for s in served.schedules] == [CRON]
            assert all(s.active for s in served.schedules)
            assert served.parameters["warehouse"] == str(project / "warehouse")
            run = client.create_flow_run_from_deployment(served.id)

            def finished():
                state = client.read_flow_run(run.id).state
                return state if state and state.is_final() else None

            state = _until("the triggered run to finish", finished, 240)
            assert state.is_completed(), (tmp_path / "serve.log").read_text()
        con = duckdb.connect(str(project / "warehouse" / "evidence.duckdb"), read_only=True)
        try:
            assert con.sql("SELECT count(*) FROM core.findings").fetchall() == [(10,)]
            assert con.sql("SELECT run_id, status FROM meta.runs").fetchall() == [
                (str(run.id), "success")
            ]
        finally:
            con.close()
    finally:
        if serving is not None:
            os.killpg(serving.pid, signal.SIGTERM)
            try:
                serving.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(serving.pid, signal.SIGKILL)
        stopped = cli("server", "stop")
    assert stopped.stdout.strip() == "stopped"
    assert cli("server", "status").returncode == 1


def test_serve_refuses_a_bad_cron_and_a_missing_server(tmp_path: Path) -> None:
    env = {**os.environ, "DERMEVIDENCE_SERVER_HOME": str(tmp_path / "no-server")}
    env.pop("PREFECT_API_URL", None)

    def serve(cron: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, "serve", "--cron", cron], env=env, capture_output=True, text=True, timeout=120
        )

    bad = serve("61 6 * * *")
    assert bad.returncode == 2
    assert "--cron '61 6 * * *' is not a cron expression" in bad.stderr
    alone = serve(CRON)
    assert alone.returncode == 5
    assert "serve needs a Prefect server" in alone.stderr
