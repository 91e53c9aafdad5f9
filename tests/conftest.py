"""Shared fixtures: the real vocabularies, and one real Prefect server for the whole session."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests count examples, not milliseconds: no per-example deadline (Hypothesis's 200 ms
# default fails a slow machine, not a slow parser).
settings.register_profile("dermevidence", deadline=None)
settings.load_profile("dermevidence")

# Before prefect_env reads it: a background server a test's run starts lives in a folder of this
# session's (stopped at the end), never in the user's ~/.dermevidence.
_OWN_SERVER_HOME = "DERMEVIDENCE_SERVER_HOME" not in os.environ
os.environ.setdefault(
    "DERMEVIDENCE_SERVER_HOME", tempfile.mkdtemp(prefix="dermevidence-test-server-")
)

from pipelines.runtime import prefect_env  # noqa: E402

for _name, _value in prefect_env.DEFAULTS.items():
    os.environ.setdefault(_name, _value)
# The session server stops before the interpreter exits; logs still queued for it would print noise.
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "raw" / "guides" / "benchchem-ascomycin-clinical-validation-b7888174.txt"


@contextmanager
def opened(warehouse: Path) -> Iterator[Any]:
    """A built warehouse's DuckDB file, opened read-only and closed again."""
    import duckdb

    con = duckdb.connect(str(warehouse / "evidence.duckdb"), read_only=True)
    try:
        yield con
    finally:
        con.close()


def warehouse_rows(warehouse: Path, sql: str) -> list[tuple]:
    """The rows of `sql` on a built warehouse."""
    with opened(warehouse) as con:
        return con.sql(sql).fetchall()


def registered(kind: str) -> list:
    """The bundled registry's files of one kind."""
    from pipelines.pull.sources import load_registry, pull, records

    registry = ROOT / "raw" / "sources.toml"
    pulled, errors = pull(
        [e for e in load_registry(registry).local if e.kind == kind], registry.parent
    )
    assert errors == []
    return records(pulled)


# The slowest files first, so that the two workers of `make test` (pytest -n 2 --dist loadfile,
# one file per worker at a time) finish together rather than one waiting on the other's last.
SLOWEST_FIRST = (
    "test_faults.py",
    "test_dask_cluster.py",
    "test_background_server.py",
    "test_concurrency.py",
    "test_incremental.py",
    "test_flows.py",
    "test_hostile.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def vocab():
    from pipelines.interpret.vocab import build_vocabulary, load_vocabularies

    frames, quarantine, errors = load_vocabularies(registered("vocab"))
    assert quarantine == [] and errors == []
    return build_vocabulary(frames)


@pytest.fixture(scope="session")
def records():
    """The bundled bibliographic records (raw/references), indexed for resolution."""
    from pipelines.interpret.bibliographic_records import load_bibliography
    from pipelines.interpret.resolve import RecordIndex

    frames, quarantine, errors = load_bibliography(registered("references"))
    assert quarantine == [] and errors == []
    return RecordIndex(frames["core.bibliographic_records"].to_dicts())


@pytest.fixture(scope="session", autouse=True)
def no_server_outlives_the_session() -> Iterator[None]:
    yield
    prefect_env.stop_server(prefect_env.SERVER_HOME)
    if _OWN_SERVER_HOME:
        shutil.rmtree(prefect_env.SERVER_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real `prefect server start` on 127.0.0.1 for every flow test, stopped whatever happens;
    flows called here run without heartbeats, as `dermevidence run` runs them."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from pipelines.flows import without_heartbeats

    home = tmp_path_factory.mktemp("prefect-server")
    url = prefect_env.start_server(home, port=prefect_env.free_port(), timeout=180)
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}), without_heartbeats():
            yield url
    finally:
        os.environ.pop("PREFECT_API_URL", None)
        prefect_env.stop_server(home)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the bundled raw/ inputs that a test may change."""
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    return tmp_path


@pytest.fixture(scope="session")
def seed_run(prefect_api: str, tmp_path_factory: pytest.TempPathFactory):
    """The flow run once on the bundled raw/ data; tests read what it built."""
    from pipelines.flows import build_warehouse

    root = tmp_path_factory.mktemp("seed-run")
    shutil.copytree(ROOT / "raw", root / "raw")
    summary = build_warehouse(
        sources=str(root / "raw" / "sources.toml"), warehouse=str(root / "warehouse")
    )
    return summary, root / "warehouse"


@pytest.fixture(scope="session")
def devset_run(prefect_api: str, tmp_path_factory: pytest.TempPathFactory):
    """The bundled raw/ plus the dev-set guides (tests/data/devset), through the real flow."""
    from pipelines.flows import build_warehouse

    project = tmp_path_factory.mktemp("devset")
    shutil.copytree(ROOT / "raw", project / "raw")
    for guide in (DATA / "devset" / "guides").iterdir():
        shutil.copy(guide, project / "raw" / "guides" / guide.name)
    summary = build_warehouse(
        sources=str(project / "raw" / "sources.toml"), warehouse=str(project / "warehouse")
    )
    return summary, project / "warehouse"


@pytest.fixture(scope="session")
def estimates(vocab):
    """The 112 real effect estimates of raw/estimates, loaded and validated."""
    from pipelines.interpret.estimates import load_estimates

    frames, quarantine, errors = load_estimates(registered("estimates"), vocab)
    assert quarantine == [] and errors == []
    return frames
