"""How this tool talks to Prefect: quiet defaults, a patient temporary server, or a persistent local one.

Imported before prefect so that its settings are in the environment when Prefect reads them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# Run logs (one line per stage) reach the Prefect server and its UI at INFO; the terminal's
# console handler shows only CRITICAL, so Prefect's own lines stay out of the user's way.
DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "CRITICAL",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_SERVER_LOGGING_LEVEL": "ERROR",
}
CONSOLE_LEVEL = "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"
SERVER_HOME = Path(
    os.environ.get("DERMEVIDENCE_SERVER_HOME", Path.home() / ".dermevidence" / "prefect-server")
)
DEFAULT_PORT = 4242


def configure(server_home: Path = SERVER_HOME, console_level: str | None = None) -> str | None:
    """Set quiet defaults (or show Prefect's logs at `console_level`); use the local server
    `dermevidence server start` left running, if any."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
    if console_level:
        os.environ[CONSOLE_LEVEL] = console_level
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    url = running_server_url(server_home)
    if url:
        os.environ["PREFECT_API_URL"] = url
    return url


def running_server_url(server_home: Path = SERVER_HOME) -> str | None:
    url_file = server_home / "api_url"
    if url_file.exists():
        url = url_file.read_text().strip()
        if healthy(url):
            return url
    return None


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def start_server(
    server_home: Path = SERVER_HOME, port: int = DEFAULT_PORT, timeout: float = 120.0
) -> str:
    """Start `prefect server start` on 127.0.0.1 in the background with its own Prefect home."""
    existing = running_server_url(server_home)
    if existing:
        return existing
    server_home.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}/api"
    # The UI asks /ui-settings where its API is; left alone, Prefect answers its default port 4200
    # whatever --port says, and the UI a person opens cannot reach its own server.
    environment = {
        **os.environ,
        **DEFAULTS,
        "PREFECT_HOME": str(server_home),
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_API_URL": url,
    }
    environment.pop("PREFECT_API_URL", None)
    log = (server_home / "server.log").open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    (server_home / "server.pid").write_text(str(process.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Prefect server exited with code {process.returncode}; see {server_home / 'server.log'}"
            )
        if healthy(url):
            (server_home / "api_url").write_text(url)
            return url
        time.sleep(0.5)
    stop_server(server_home)
    raise RuntimeError(
        f"Prefect server did not answer at {url} within {timeout:.0f} s; see {server_home / 'server.log'}"
    )


def stop_server(server_home: Path = SERVER_HOME) -> bool:
    """Stop the server `start_server` started (its whole process group)."""
    pid_file = server_home / "server.pid"
    (server_home / "api_url").unlink(missing_ok=True)
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text())
    pid_file.unlink()
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    for _ in range(100):
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    os.killpg(pid, signal.SIGKILL)
    return True
