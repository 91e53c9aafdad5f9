"""The local Prefect server's keeper: runs `prefect server start` and stops it once idle.

Started detached by prefect_env.start_server (its own session, output to the server's log), so no
caller waits on it. Idle means: no client registered under <home>/clients (each `run` and `serve`
registers its pid for as long as it lives) and no registration or departure for the idle time,
measured from that folder's modification time. The way build daemons behave.

    python -m pipelines.runtime.server_keeper --home DIR --port N --idle-minutes M   (0: never idle out)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def live_clients(clients: Path) -> int:
    """Clients still running; marks left by killed ones are removed (which counts as activity)."""
    alive = 0
    for mark in clients.iterdir():
        try:
            os.kill(int(mark.name), 0)
            alive += 1
        except (ProcessLookupError, ValueError):
            mark.unlink(missing_ok=True)
        except PermissionError:
            alive += 1
    return alive


def idle_seconds(clients: Path, now: float) -> float:
    """Seconds since the last client came or went; 0 while one is running."""
    if live_clients(clients):
        return 0.0
    return max(0.0, now - clients.stat().st_mtime)


def forget(home: Path) -> None:
    """Remove the files that tell clients a server is here, if they still describe this keeper."""
    pid_file = home / "server.pid"
    if pid_file.exists() and pid_file.read_text().strip() == str(os.getpid()):
        (home / "api_url").unlink(missing_ok=True)
        pid_file.unlink(missing_ok=True)


def keep(home: Path, port: int, idle_minutes: float) -> int:
    clients = home / "clients"
    clients.mkdir(parents=True, exist_ok=True)
    clients.touch()
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    limit = idle_minutes * 60
    pause = min(30.0, max(0.2, limit / 10)) if limit else 30.0
    while server.poll() is None:
        idle = idle_seconds(clients, time.time())
        if limit and idle >= limit:
            print(f"dermevidence: no run for {idle / 60:.1f} min: stopping the server", flush=True)
            forget(home)
            os.killpg(os.getpgrp(), signal.SIGTERM)
        time.sleep(pause)
    forget(home)
    return server.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle-minutes", type=float, default=60.0)
    args = parser.parse_args(argv)
    return keep(args.home, args.port, args.idle_minutes)


if __name__ == "__main__":
    sys.exit(main())
