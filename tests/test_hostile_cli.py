"""The CLI against a hostile user and a damaged warehouse: a query that spills, stalls or is
interrupted, SQL that is not a query, a warehouse file that is no warehouse, a stale pid file, a
password in a source URL and a port that is not Dask. Each ends in one line and a documented exit
code, and leaves nothing behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import Exit, app
from pipelines.runtime import prefect_env
from tests.conftest import SEED, warehouse_rows
from tests.remote_server import RemoteServer

runner = CliRunner()
CLI = str(Path(sys.executable).parent / "dermevidence")


def _cli(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *arguments], capture_output=True, text=True, timeout=120, env=env or os.environ
    )


def test_a_query_spills_into_a_folder_of_its_own_outside_the_warehouse(seed_run, tmp_path):
    """Not evidence.duckdb.tmp beside the warehouse (a link there could point anywhere): a new
    folder under the temporary directory, bounded, and gone when the query ends."""
    _, warehouse = seed_run
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (warehouse / "evidence.duckdb.tmp").symlink_to(elsewhere, target_is_directory=True)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    try:
        done = _cli(
            "query",
            "SELECT current_setting('temp_directory') AS spill, "
            "current_setting('max_temp_directory_size') AS most",
            "--warehouse", str(warehouse), "--format", "csv",
            env={**os.environ, "TMPDIR": str(scratch)},
        )  # fmt: skip
    finally:
        (warehouse / "evidence.duckdb.tmp").unlink()
    assert done.returncode == 0, done.stderr
    spill, most = done.stdout.splitlines()[1].split(",")
    assert Path(spill).parent == scratch and Path(spill).name.startswith("dermevidence-query-")
    assert most.endswith("GiB") or most.endswith("MiB")
    assert list(scratch.iterdir()) == [] and list(elsewhere.iterdir()) == []


def test_a_long_run_of_spaces_or_endless_file_is_answered_or_refused_at_once(seed_run, tmp_path):
    """The statement kinds come from DuckDB's parser and tokens, never from a pattern that went
    quadratic on 160 000 spaces; --file reads at most 1 MiB (/dev/zero never ends)."""
    _, warehouse = seed_run
    spaces = tmp_path / "spaces.sql"
    spaces.write_text(" " * 160_000 + "SELECT 2 AS two")
    done = _cli("query", "--file", str(spaces), "--warehouse", str(warehouse), "--format", "csv")
    assert (done.returncode, done.stdout) == (0, "two\n2\n")
    analyze = tmp_path / "analyze.sql"
    analyze.write_text(" " * 160_000 + "/* first */ EXPLAIN\n  ANALYZE SELECT 1")
    done = _cli("query", "--file", str(analyze), "--warehouse", str(warehouse))
    assert done.returncode == Exit.ERROR and "EXPLAIN ANALYZE refused" in done.stderr
    endless = _cli("query", "--file", "/dev/zero", "--warehouse", str(warehouse))
    assert (endless.returncode, endless.stderr) == (
        Exit.CONFIG,
        "error: /dev/zero is over 1 MiB: not a query\n",
    )


def test_ctrl_c_stops_a_long_query_in_one_line(seed_run, tmp_path):
    _, warehouse = seed_run
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    query = subprocess.Popen(
        [CLI, "query", "SELECT sum(a.range * b.range) FROM range(100000000) a, range(100000) b",
         "--warehouse", str(warehouse)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not list(scratch.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)  # the session is open once its spill folder is there
    query.send_signal(signal.SIGINT)
    out, err = query.communicate(timeout=60)
    assert (query.returncode, out, err) == (Exit.INTERRUPTED, "", "error: query interrupted\n")
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("content", [b"", b"not a database" * 100])
def test_query_and_changes_on_a_file_that_is_no_warehouse_say_so(tmp_path, content):
    (tmp_path / "evidence.duckdb").write_bytes(content)
    for command in (["query", "SELECT 1"], ["changes"]):
        result = runner.invoke(app, [*command, "--warehouse", str(tmp_path)])
        assert result.exit_code == Exit.CONFIG, result.output
        [line] = result.output.splitlines()
        assert line.startswith(
            f"error: {tmp_path / 'evidence.duckdb'} cannot be read as a warehouse ("
        )
        assert line.endswith("); `dermevidence run` rebuilds it")


def test_server_stop_never_signals_a_process_a_stale_pid_file_names(tmp_path):
    """The pid file outlived its server and now names another program's process group."""
    bystander = subprocess.Popen(["sleep", "120"], start_new_session=True)
    try:
        home = tmp_path / "server"
        home.mkdir()
        (home / "server.pid").write_text(str(bystander.pid))
        assert prefect_env.stop_server(home) is False
        assert bystander.poll() is None and not (home / "server.pid").exists()
    finally:
        bystander.kill()
        bystander.wait()


def test_a_password_in_a_source_url_is_stored_and_shown_nowhere(prefect_api, project):
    warehouse = project / "warehouse"
    registry = project / "raw" / "sources.toml"
    with RemoteServer() as server:
        server.script.files["/web.txt"] = SEED.read_bytes()
        secret = server.url("/web.txt").replace("http://", "http://reader:s3cr3t-pw@")
        registry.write_text(
            registry.read_text() + f'\n[[source]]\nid = "web"\nkind = "guide"\nurl = "{secret}"\n'
        )
        result = runner.invoke(
            app, ["run", "--sources", str(registry), "--warehouse", str(warehouse)]
        )
        assert result.exit_code == Exit.OK, result.output
        server.script.failures["/web.txt"] = 100  # the failure's words name the URL too
        failed = runner.invoke(
            app, ["run", "--sources", str(registry), "--warehouse", str(warehouse)]
        )
        assert failed.exit_code == Exit.ISSUES, failed.output
    assert "s3cr3t" not in result.output + failed.output
    assert warehouse_rows(
        warehouse, "SELECT DISTINCT file FROM meta.pulled_files WHERE registry_id = 'web'"
    ) == [(server.url("/web.txt"),)]
    leaked = [
        path for path in warehouse.rglob("*") if path.is_file() and b"s3cr3t" in path.read_bytes()
    ]
    assert leaked == []


def test_a_port_that_is_not_dask_is_given_up_on_in_bounded_time(prefect_api, project):
    """It accepts the connection and never answers: the pre-flight gives up after three times
    DERMEVIDENCE_DASK_TIMEOUT, with exit 8, rather than holding the run (and its lock) for ever."""
    silent = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(silent.accept()[0]), daemon=True).start()
    port = silent.getsockname()[1]
    try:
        done = _cli(
            "run", "--sources", str(project / "raw" / "sources.toml"),
            "--warehouse", str(project / "warehouse"), "--dask-address", f"tcp://127.0.0.1:{port}",
            env={**os.environ, "DERMEVIDENCE_DASK_TIMEOUT": "1"},
        )  # fmt: skip
    finally:
        silent.close()
    assert done.returncode == Exit.CLUSTER, done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"error: no answer from a Dask scheduler at tcp://127.0.0.1:{port} within 3 s; is it one?"
    )


def test_a_ctrl_c_that_lands_before_the_query_begins_still_stops_it():
    """Pressed after the session opened but before the engine ran the query, where interrupting
    it did nothing (a CI run waited out its 60 s)."""
    import threading

    import duckdb

    from pipelines.cli.inspect import _in_a_thread, _Interrupt

    con = duckdb.connect()
    interrupted = _Interrupt()
    interrupted.engine = con
    interrupted.pressed.set()
    long = "SELECT sum(a.range * b.range) FROM range(100000000) a, range(100000) b"
    waiter = threading.Thread(
        target=_in_a_thread, args=(lambda: con.execute(long).fetchall(), interrupted), daemon=True
    )
    waiter.start()
    waiter.join(30)
    assert not waiter.is_alive()
