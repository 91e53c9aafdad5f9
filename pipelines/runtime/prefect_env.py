"""How this tool talks to Prefect: quiet defaults, a patient temporary server, or a persistent local one.

Imported before prefect so that its settings are in the environment when Prefect reads them.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
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
    url = profile_api_url()
    if url:
        os.environ["PREFECT_API_URL"] = url
        return url
    url = running_server_url(server_home)
    if url:
        os.environ["PREFECT_API_URL"] = url
    return url


def profile_api_url() -> str | None:
    """PREFECT_API_URL of the active Prefect profile (`prefect profile use …`, or PREFECT_PROFILE),
    read from $PREFECT_HOME/profiles.toml as Prefect reads it; None when it sets none."""
    home = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect")).expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml")).expanduser()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or document.get("active")
    profile = document.get("profiles", {}).get(active, {}) if isinstance(active, str) else {}
    url = profile.get("PREFECT_API_URL") if isinstance(profile, dict) else None
    return url if isinstance(url, str) and url else None


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


def idle_minutes_default() -> float:
    """DERMEVIDENCE_SERVER_IDLE_MINUTES, else 60; 0 keeps the server until `server stop`."""
    value = os.environ.get("DERMEVIDENCE_SERVER_IDLE_MINUTES", "60")
    try:
        minutes = float(value)
    except ValueError:
        raise RuntimeError(
            f"DERMEVIDENCE_SERVER_IDLE_MINUTES={value!r} is not a number of minutes"
        ) from None
    if minutes < 0:
        raise RuntimeError(f"DERMEVIDENCE_SERVER_IDLE_MINUTES={value!r} is negative")
    return minutes


def free_port(preferred: int = 0) -> int:
    """`preferred` when nothing listens there, else (or with 0) a port the system picks."""
    for port in (preferred, 0):
        with socket.socket() as probe:
            # As the server will: a port a stopped server left in TIME_WAIT is free to take.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port on 127.0.0.1")


def start_server(
    server_home: Path = SERVER_HOME,
    port: int | None = DEFAULT_PORT,
    timeout: float = 120.0,
    idle_minutes: float = 0.0,
    moved: Callable[[str], None] = lambda _: None,
) -> str:
    """Start `prefect server start` on 127.0.0.1 in the background with its own Prefect home,
    under a keeper that stops it after `idle_minutes` without a client (0: never).

    Detached: its own session, output to <home>/server.log, so no caller waits on it. Two callers
    starting at once get the same server (a lock around the start). A port another program holds
    is never taken for ours: `moved` is told who holds it and which free port was taken instead
    (`port=None`: 4242 when free, else any); it is told too when a server already runs on
    another port than the one asked for, which is then not used."""
    server_home.mkdir(parents=True, exist_ok=True)
    with (server_home / "start.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = running_server_url(server_home)
        if existing:
            if port is not None and f":{port}/" not in existing:
                moved(
                    f"a server already runs at {existing}; port {port} is not used (to move it: "
                    "dermevidence server stop, then start it again)"
                )
            return existing
        wanted = DEFAULT_PORT if port is None else port
        taken = free_port(wanted)
        if taken != wanted:
            moved(
                f"port {wanted} is held by {port_holder(wanted)}: started on port {taken} instead"
            )
        return _start(server_home, taken, timeout, idle_minutes)


def port_holder(port: int) -> str:
    """Who listens on a local TCP port, as "name (pid N)", from /proc; else "another program"."""
    pid = _listener(port)
    if pid is None:
        return "another program"
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return f"pid {pid}"
    return f"{name} (pid {pid})"


def _listener(port: int) -> int | None:
    """The process listening on `port` (Linux: the socket's inode in /proc/net/tcp, then the
    process holding it); None where that cannot be seen."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return None
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (process / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(process.name)
    return None


def _start(server_home: Path, port: int, timeout: float, idle_minutes: float) -> str:
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
    log_path = server_home / "server.log"
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.runtime.server_keeper", "--home", str(server_home),
             "--port", str(port), "--idle-minutes", str(idle_minutes)],
            env=environment, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    (server_home / "server.pid").write_text(str(process.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"Prefect server exited with code {process.returncode}; see {log_path}"
            )
        if healthy(url):
            _own(port, process.pid)
            (server_home / "api_url").write_text(url)
            return url
        time.sleep(0.5)
    stop_server(server_home)
    raise RuntimeError(
        f"Prefect server did not answer at {url} within {timeout:.0f} s; see {log_path}"
    )


def _own(port: int, group: int) -> None:
    """The server answering is ours (in the keeper's process group), not a program that took the
    port meanwhile."""
    pid = _listener(port)
    with contextlib.suppress(ProcessLookupError):
        if pid is not None and os.getpgid(pid) != group:
            raise RuntimeError(
                f"port {port} was taken by {port_holder(port)} while the server started; "
                "start it again (another port is then taken)"
            )


@contextlib.contextmanager
def client_of(server_home: Path = SERVER_HOME) -> Iterator[None]:
    """Mark this process as using the local server, so its keeper does not stop it meanwhile
    (taken before the server is started, so a short idle time cannot stop it under the run)."""
    clients = server_home / "clients"
    clients.mkdir(parents=True, exist_ok=True)
    mark = clients / str(os.getpid())
    mark.touch()
    try:
        yield
    finally:
        mark.unlink(missing_ok=True)


def stop_server(server_home: Path = SERVER_HOME) -> bool:
    """Stop the server `start_server` started (its keeper's whole process group)."""
    pid_file = server_home / "server.pid"
    (server_home / "api_url").unlink(missing_ok=True)
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text())
    except (OSError, ValueError):
        pid = 0
    pid_file.unlink()
    if not _keeper_of(pid, server_home):
        return False  # a stale pid file: that process, or its group, is not ours to signal
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


def _keeper_of(pid: int, server_home: Path) -> bool:
    """Whether `pid` is the server keeper `start_server` started for `server_home`: a group
    leader whose command line names the keeper and that home. A pid file outliving its server
    (a reboot, a kill -9) may name any process by now."""
    if pid <= 0:
        return False
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        leader = os.getpgid(pid) == pid
    except (OSError, ProcessLookupError):
        return False
    command = [word.decode("utf-8", "replace") for word in words]
    return leader and "pipelines.runtime.server_keeper" in command and str(server_home) in command
