"""`dermevidence server start|status|stop` and `serve --cron`, run as a user runs them: a real
Prefect server and a real serving process, checked through the Prefect client and through the UI
a person opens (headless Chromium, as in the report test)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import pytest
from playwright.sync_api import sync_playwright
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL, temporary_settings

from pipelines.runtime.prefect_env import free_port

CLI = str(Path(sys.executable).parent / "dermevidence")
CHROMIUM = shutil.which("chromium")
CRON = "0 6 * * *"
STAGES = ["pull", "vocabularies", "bibliography", "estimates", "parse", "load", "check", "compare", "publish"]  # fmt: skip
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


@dataclass
class Served:
    url: str
    deployment: object
    run_id: object
    warehouse: Path
    cli: Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`server start` on a port of its own, `serve --cron`, one run triggered through the API and
    finished; the server and the serving process are stopped whatever happens."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(Path(__file__).resolve().parent.parent / "raw", root / "raw")
    env = {
        **os.environ,
        "DERMEVIDENCE_SERVER_HOME": str(root / "server-home"),
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        # The session turns log shipping off; here the stage lines must reach the server.
        "PREFECT_LOGGING_TO_API_ENABLED": "true",
    }
    env.pop("PREFECT_API_URL", None)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args], env=env, capture_output=True, text=True, timeout=240, check=False
        )

    log_path = root / "serve.log"
    started = cli("server", "start", "--port", str(port))
    serving: subprocess.Popen | None = None
    try:
        assert started.returncode == 0, started.stderr
        assert started.stdout.splitlines()[-1] == url
        serving = subprocess.Popen(
            [CLI, "serve", "--cron", CRON, "--name", "nightly", "--sources",
             str(root / "raw" / "sources.toml"), "--warehouse", str(root / "warehouse")],
            env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        with (
            temporary_settings(updates={PREFECT_API_URL: url}),
            get_client(sync_client=True) as client,
        ):

            def deployment():
                try:
                    return client.read_deployment_by_name("build_warehouse/nightly")
                except ObjectNotFound:
                    assert serving.poll() is None, log_path.read_text()
                    return None

            registered = _until("the deployment to be registered", deployment, 120)
            run = client.create_flow_run_from_deployment(registered.id)

            def finished():
                state = client.read_flow_run(run.id).state
                return state if state and state.is_final() else None

            state = _until("the triggered run to finish", finished, 240)
            assert state.is_completed(), log_path.read_text()
        yield Served(url, registered, run.id, root / "warehouse", cli)
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


def test_served_deployment_keeps_its_schedule_and_a_triggered_run_builds_the_warehouse(
    served: Served,
) -> None:
    assert served.cli("server", "status").stdout.strip() == served.url
    assert [s.schedule.cron for s in served.deployment.schedules] == [CRON]
    assert all(s.active for s in served.deployment.schedules)
    assert served.deployment.parameters["warehouse"] == str(served.warehouse)
    con = duckdb.connect(str(served.warehouse / "evidence.duckdb"), read_only=True)
    try:
        assert con.sql("SELECT count(*) FROM core.findings").fetchall() == [(10,)]
        assert con.sql("SELECT run_id, status FROM meta.runs").fetchall() == [
            (str(served.run_id), "success")
        ]
    finally:
        con.close()


def test_the_stage_lines_reach_the_servers_run_log(served: Served) -> None:
    """Logs are shipped in batches, so the run can be Completed before its last lines arrive."""

    def stage_lines():
        with (
            temporary_settings(updates={PREFECT_API_URL: served.url}),
            get_client(sync_client=True) as client,
        ):
            logs = client.read_logs(
                log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[served.run_id]))
            )
        lines = [log.message for log in logs if re.match(r"\w+ +[\d.]+ s", log.message)]
        return lines if any(line.startswith("publish ") for line in lines) else None

    lines = _until("the publish line in the run log", stage_lines, 60)
    assert [line.split()[0] for line in lines] == STAGES
    assert any(
        re.fullmatch(r"load [\d.]+ s: [\d,]+ rows in \d+ tables; (built anew|updated .*)", line)
        for line in lines
    )


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_ui_shows_the_deployment_its_schedule_and_the_finished_run(served: Served) -> None:
    """The UI a person opens: it must reach the API on the port the server listens on."""
    base = served.url.removesuffix("/api")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            api_calls: list[str] = []
            page.on("request", lambda r: api_calls.append(r.url) if "/api/" in r.url else None)
            page.goto(f"{base}/deployments")
            page.get_by_text("nightly", exact=True).first.wait_for(timeout=60_000)
            page.get_by_text("At 06:00 AM every day").first.wait_for(timeout=60_000)
            assert "Can't connect" not in page.inner_text("body")
            assert api_calls and all(call.startswith(f"{base}/api/") for call in api_calls)

            page.goto(f"{base}/runs/flow-run/{served.run_id}")
            page.get_by_text(re.compile(r"^publish [\d.]+ s: release ")).wait_for(timeout=60_000)
            body = page.inner_text("body")
            assert "Completed" in body and "nightly" in body
            for stage in STAGES:
                assert re.search(rf"^{stage} +[\d.]+ s", body, re.MULTILINE), stage
            page.get_by_text("Artifacts", exact=True).first.click()
            page.get_by_text("dermevidence-release-report").first.wait_for(timeout=60_000)
            assert "dermevidence-run-summary" in page.inner_text("body")
            assert "Can't connect" not in page.inner_text("body")
        finally:
            browser.close()


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
