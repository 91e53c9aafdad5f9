"""The machine refusing a run: a full disk and a read-only warehouse end it in one line naming the
place, never a traceback, and leave the live warehouse and release as they were. The devices are
real: small tmpfs mounts (the tests need root, as CI has)."""

from __future__ import annotations

import errno
import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import Exit, app
from pipelines.runtime.disk import Refusal, refusal
from tests.conftest import ROOT

runner = CliRunner()


@pytest.fixture
def device(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "device"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def _resize(mount: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount)], check=True)


def _run(warehouse: Path):
    registry = ROOT / "raw" / "sources.toml"
    return runner.invoke(
        app, ["run", "--sources", str(registry), "--warehouse", str(warehouse), "-q"]
    )


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_a_full_disk_is_one_line_and_the_live_release_stays(prefect_api: str, device: Path):
    warehouse = device / "warehouse"
    assert _run(warehouse).exit_code == Exit.OK
    live = (warehouse / "exports").resolve()
    before = _tree(live) | {"evidence.duckdb": _tree(warehouse)["evidence.duckdb"]}
    used = sum(p.stat().st_size for p in warehouse.rglob("*") if p.is_file())
    # Room for what is there and a little more: the next build cannot be written.
    _resize(device, f"size={used + 4 * 2**20}")
    shutil.rmtree(warehouse / "cache" / "shards")  # so the run must build again
    result = _run(warehouse)
    assert result.exit_code == Exit.ERROR, result.output
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"error: {warehouse}/")
    assert ": no space left on device: a run in " in line and " MB free; " in line
    assert "Traceback" not in result.output
    assert (warehouse / "exports").resolve() == live
    assert _tree(live) | {"evidence.duckdb": _tree(warehouse)["evidence.duckdb"]} == before
    assert not list(warehouse.glob(".evidence.duckdb.*.building*"))


def test_a_read_only_warehouse_is_one_line_and_still_queried(prefect_api: str, device: Path):
    warehouse = device / "warehouse"
    assert _run(warehouse).exit_code == Exit.OK
    _resize(device, "ro")
    result = _run(warehouse)
    assert result.exit_code == Exit.ERROR
    assert result.output.strip() == (
        f"error: {warehouse}/.lock: read-only file system: the warehouse folder {warehouse} "
        "must be writable by a run (query, report and changes only read it)"
    )
    query = runner.invoke(
        app, ["query", "SELECT count(*) FROM core.findings", "--warehouse", str(warehouse)]
    )
    assert query.exit_code == Exit.OK and "10" in query.output


def test_a_refusal_is_found_in_duckdb_text_and_in_the_chain_of_causes() -> None:
    text = 'Could not write file "/data/w/.evidence.duckdb.x.building": No space left on device'
    assert refusal(RuntimeError(text)) == Refusal(
        errno.ENOSPC, "/data/w/.evidence.duckdb.x.building"
    )
    try:
        try:
            raise OSError(errno.EROFS, "Read-only file system", "/data/w/.lock")
        except OSError as inner:
            raise ValueError("wrapped") from inner
    except ValueError as outer:
        assert refusal(outer) == Refusal(errno.EROFS, "/data/w/.lock")
    assert refusal(ValueError("something else")) is None
