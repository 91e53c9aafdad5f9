"""`dermevidence run` on a machine without a Prefect server, as a new user meets it: the first run
starts a detached background server, the next reuses it, the server stops itself once idle, and
--no-server keeps the temporary server of old."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings

CLI = str(Path(sys.executable).parent / "dermevidence")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_first_run_starts_a_server_the_next_reuses_it_and_it_stops_when_idle(
    project: Path, tmp_path: Path
) -> None:
    home = tmp_path / "server-home"
    env = {
        **os.environ,
        "DERMEVIDENCE_SERVER_HOME": str(home),
        # Long enough for the second run to start on a loaded machine (a 6 s wait was not).
        "DERMEVIDENCE_SERVER_IDLE_MINUTES": "0.5",
    }
    env.pop("PREFECT_API_URL", None)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [CLI, *args], cwd=project, env=env, capture_output=True, text=True, timeout=300
        )

    keeper = None
    try:
        first = cli("run")
        assert first.returncode == 0, first.stderr
        started = re.search(
            r"started a local Prefect server at (http://127\.0\.0\.1:\d+/api) for this and later "
            r"runs; it stops after 0\.5 min without a run \(log: (.+)\)",
            first.stderr,
        )
        assert started, first.stderr
        url, log = started.groups()
        # The run returned although the server lives on: it holds none of the run's pipes.
        assert cli("server", "status").stdout.strip() == url
        keeper = int((home / "server.pid").read_text())
        assert os.getpgid(keeper) == keeper and os.getsid(keeper) == keeper
        assert os.getsid(keeper) != os.getsid(0)
        assert "prefect config set PREFECT_API_URL" in Path(log).read_text()

        second = cli("run")
        assert second.returncode == 0, second.stderr
        assert "started a local Prefect server" not in second.stderr
        assert "temporary" not in second.stderr
        con = duckdb.connect(str(project / "warehouse" / "evidence.duckdb"), read_only=True)
        try:
            run_ids = [r[0] for r in con.sql("SELECT run_id FROM meta.runs").fetchall()]
        finally:
            con.close()
        assert len(run_ids) == 2
        with temporary_settings(updates={PREFECT_API_URL: url}), get_client(sync_client=True) as c:
            assert [c.read_flow_run(run_id).state.is_completed() for run_id in run_ids] == [
                True
            ] * 2

        # Idle for 30 s with no client: the keeper stops the server and forgets it.
        deadline = time.monotonic() + 120
        while not _gone(keeper) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _gone(keeper), "the idle server did not stop"
        assert "no run for 0.5 min: stopping the server" in Path(log).read_text()
        assert not (home / "api_url").exists() and not (home / "server.pid").exists()
        assert cli("server", "status").returncode == 1
    finally:
        if keeper is not None and not _gone(keeper):
            cli("server", "stop")

    temporary = cli("run", "--no-server")
    assert temporary.returncode == 0, temporary.stderr
    assert "starting a temporary one for this run" in temporary.stderr
    assert "started a local Prefect server" not in temporary.stderr
    assert cli("server", "status").returncode == 1


def test_server_start_never_reports_another_programs_server_as_its_own(tmp_path: Path) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from pipelines.runtime.prefect_env import healthy

    class Impostor(BaseHTTPRequestHandler):  # answers /api/health as a Prefect server would
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    impostor = ThreadingHTTPServer(("127.0.0.1", 0), Impostor)
    port = impostor.server_address[1]
    threading.Thread(target=impostor.serve_forever, daemon=True).start()
    env = {**os.environ, "DERMEVIDENCE_SERVER_HOME": str(tmp_path / "home")}
    env.pop("PREFECT_API_URL", None)
    try:
        started = subprocess.run(
            [CLI, "server", "start", "--port", str(port), "--idle-minutes", "0"],
            env=env, capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert started.returncode == 0, started.stderr
        assert started.stderr.strip().startswith(
            f"port {port} is held by {Path(f'/proc/{os.getpid()}/comm').read_text().strip()} "
            f"(pid {os.getpid()}): started on port "
        )
        url = started.stdout.strip()
        assert url != f"http://127.0.0.1:{port}/api" and healthy(url)
        # asked again for that port beside the running server: said, not silently ignored
        again = subprocess.run(
            [CLI, "server", "start", "--port", str(port)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert (again.returncode, again.stdout.strip()) == (0, url)
        assert again.stderr.strip() == (
            f"a server already runs at {url}; port {port} is not used (to move it: "
            "dermevidence server stop, then start it again)"
        )
    finally:
        subprocess.run([CLI, "server", "stop"], env=env, capture_output=True, timeout=60)
        impostor.shutdown()


def test_the_active_prefect_profiles_api_url_is_honoured_like_the_variable(
    tmp_path: Path, monkeypatch
) -> None:
    from pipelines.runtime import prefect_env

    (tmp_path / "profiles.toml").write_text(
        'active = "team"\n\n[profiles.team]\nPREFECT_API_URL = "http://prefect.example:4200/api"\n'
        '\n[profiles.other]\nPREFECT_API_URL = "http://other.example/api"\n'
    )
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    assert prefect_env.configure(server_home=tmp_path / "no-server") == (
        "http://prefect.example:4200/api"
    )
    assert os.environ["PREFECT_API_URL"] == "http://prefect.example:4200/api"
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("PREFECT_PROFILE", "other")
    assert prefect_env.profile_api_url() == "http://other.example/api"
    monkeypatch.setenv("PREFECT_PROFILE", "missing")
    assert prefect_env.profile_api_url() is None
