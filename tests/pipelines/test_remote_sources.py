"""URL sources through the real flow: Prefect task retries on 500s and timeouts, no retry on a 404
or a pin, the landing cache serving --offline runs, and every run's files in meta.pulled_files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.flows import build_warehouse
from tests.conftest import SEED, warehouse_rows
from tests.remote_server import RemoteServer

GUIDE = SEED.read_bytes()


@pytest.fixture
def server() -> Iterator[RemoteServer]:
    with RemoteServer() as running:
        running.script.files["/seed.txt"] = GUIDE
        running.script.files["/slow.txt"] = GUIDE
        running.script.files["/pinned.txt"] = b"Not the guide that was pinned\n"
        running.script.failures["/seed.txt"] = 2
        running.script.delays["/slow.txt"] = 10.0  # far past read_timeout = 2
        yield running


def _registry(project: Path, server: RemoteServer) -> Path:
    """The bundled registry with its guides replaced by URLs, one per way of failing."""
    registry = project / "raw" / "sources.toml"
    text = registry.read_text().replace('path = "guides/*"', f'url = "{server.url("/seed.txt")}"')
    pin = hashlib.sha256(b"the file as it was reviewed").hexdigest()
    registry.write_text(
        # A local answer takes milliseconds; 2 s holds on a loaded machine, and /slow.txt is
        # slower still.
        "[fetch]\nread_timeout = 2\nretries = 2\nbackoff_seconds = 0.05\n\n"
        + text
        + "".join(
            f'\n[[source]]\nid = "{name}"\nkind = "guide"\nurl = "{server.url(path)}"\n{extra}'
            for name, path, extra in [
                ("slow", "/slow.txt", ""),
                ("gone", "/gone.txt", ""),
                ("pinned", "/pinned.txt", f'sha256 = "{pin}"\n'),
            ]
        )
    )
    return registry


def _run(registry: Path, project: Path, **options):
    return build_warehouse(sources=str(registry), warehouse=str(project / "warehouse"), **options)


def _rows(project: Path, sql: str) -> list[tuple]:
    return warehouse_rows(project / "warehouse", sql)


def test_url_sources_retried_cached_revalidated_and_served_offline(
    prefect_api: str, project: Path, server: RemoteServer
) -> None:
    registry = _registry(project, server)
    first = _run(registry, project)

    requests = server.script.requests
    assert (requests["/seed.txt"], requests["/slow.txt"], requests["/gone.txt"]) == (3, 3, 1)
    assert requests["/pinned.txt"] == 1
    assert first.status == "success_with_issues" and first.rows["core.findings"] == 10
    errors = _rows(
        project, "SELECT source_id, error, message FROM quality.source_errors ORDER BY source_id"
    )
    assert [(source, error) for source, error, _ in errors] == [
        ("gone", "http"),
        ("pinned", "checksum"),
        ("slow", "timeout"),
    ]
    assert "/gone.txt: server answered 404 Not Found" in errors[0][2]
    assert "the file changed upstream" in errors[1][2]
    assert "no answer within connect 10 s / read 2 s" in errors[2][2]
    landing = project / "warehouse" / "cache" / "landing"
    assert sorted(p.name for p in (landing / "objects").iterdir()) == [
        hashlib.sha256(GUIDE).hexdigest()
    ]
    assert list((landing / "tmp").iterdir()) == []
    assert _rows(project, "SELECT DISTINCT source_id, file FROM core.findings") == [
        ("guides", server.url("/seed.txt"))
    ]

    offline = _run(registry, project, offline=True)
    assert sum(requests.values()) == 8, "an --offline run must not touch the network"
    assert offline.rows["core.findings"] == 10
    assert [(e["source_id"], e["error"]) for e in offline.source_error_sample] == [
        ("gone", "offline"),
        ("pinned", "offline"),
        ("slow", "offline"),
    ]
    assert "--offline and not in the landing cache" in offline.source_error_sample[0]["message"]

    online = _run(registry, project)
    assert server.script.conditional["/seed.txt"] == 1
    origins = _rows(
        project,
        """SELECT r.started_at, p.origin FROM meta.pulled_files p JOIN meta.runs r USING (run_id)
           WHERE p.source_id = 'guides' ORDER BY r.started_at""",
    )
    assert [origin for _, origin in origins] == ["downloaded", "cache", "not_modified"]
    runs = _rows(project, "SELECT run_id, status FROM meta.runs ORDER BY started_at")
    assert [run_id for run_id, _ in runs] == [first.run_id, offline.run_id, online.run_id]
