"""URL sources fetched at once against a real HTTP server: the pool and the per-host limit hold,
results keep the registry's order, and a failure stays with its own source."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipelines.pull.fetch import FetchError, FetchSettings, LandingCache, fetch
from pipelines.pull.fetch_many import fetch_many
from tests.remote_server import RemoteServer


def test_at_most_per_host_requests_to_one_host_and_parallel_in_all(tmp_path: Path) -> None:
    with RemoteServer() as server:
        port = urlsplit(server.base).port
        urls = []
        for n in range(6):  # alternating hosts: two names of the same server
            path = f"/doc-{n}.txt"
            server.script.files[path] = f"document {n}\n".encode()
            server.script.delays[path] = 0.3
            host = "127.0.0.1" if n % 2 == 0 else "localhost"
            urls.append(f"http://{host}:{port}{path}")
        cache, settings = LandingCache(tmp_path / "landing"), FetchSettings()
        landed = fetch_many(
            urls,
            lambda url: urlsplit(url).netloc,
            lambda url: fetch(url, cache, settings, None),
            parallel=3,
            per_host=2,
        )
    assert [item.url for item in landed] == urls
    assert [item.path.read_bytes() for item in landed] == [
        f"document {n}\n".encode() for n in range(6)
    ]
    most = server.script.most_in_flight
    assert (most[f"127.0.0.1:{port}"], most[f"localhost:{port}"], most["*"]) == (2, 2, 3)


def test_one_host_one_at_a_time_when_per_host_is_one(tmp_path: Path) -> None:
    with RemoteServer() as server:
        for n in range(4):
            server.script.files[f"/doc-{n}.txt"] = b"x\n"
            server.script.delays[f"/doc-{n}.txt"] = 0.1
        cache, settings = LandingCache(tmp_path / "landing"), FetchSettings()
        fetch_many(
            [server.url(f"/doc-{n}.txt") for n in range(4)],
            lambda url: urlsplit(url).netloc,
            lambda url: fetch(url, cache, settings, None),
            parallel=4,
            per_host=1,
        )
    assert server.script.most_in_flight["*"] == 1
    assert sum(server.script.requests.values()) == 4


def test_an_error_is_raised_for_the_caller_to_place(tmp_path: Path) -> None:
    with RemoteServer() as server:
        server.script.files["/here.txt"] = b"here\n"
        cache, settings = LandingCache(tmp_path / "landing"), FetchSettings()
        with pytest.raises(FetchError, match="404"):
            fetch_many(
                [server.url("/here.txt"), server.url("/gone.txt")],
                lambda url: urlsplit(url).netloc,
                lambda url: fetch(url, cache, settings, None),
                parallel=2,
                per_host=2,
            )
