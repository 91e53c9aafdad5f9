"""The publish gate through real runs of the CLI: a release never silently loses what the live
one had from a source because of an error; a URL that fails is served from its last good copy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import Exit, app
from tests.conftest import SEED, warehouse_rows
from tests.remote_server import RemoteServer

runner = CliRunner()


def _run(project: Path, *extra: str):
    registry = project / "raw" / "sources.toml"
    warehouse = project / "warehouse"
    arguments = ["run", "--sources", str(registry), "--warehouse", str(warehouse), "-q"]
    return runner.invoke(app, [*arguments, *extra])


def _one(project: Path, sql: str) -> list[tuple]:
    return warehouse_rows(project / "warehouse", sql)


def _release(project: Path) -> tuple[str, str]:
    exports = project / "warehouse" / "exports"
    manifest = (exports / "manifest.json").read_bytes()
    return exports.resolve().name, hashlib.sha256(manifest).hexdigest()


def test_a_release_that_would_lose_rows_to_errors_is_blocked_until_allowed(
    prefect_api: str, project: Path
) -> None:
    registry = project / "raw" / "sources.toml"
    with RemoteServer() as server:
        server.script.files["/web.txt"] = SEED.read_bytes()
        registry.write_text(
            "[fetch]\nretries = 1\nbackoff_seconds = 0.05\n\n"
            + registry.read_text()
            + f'\n[[source]]\nid = "web"\nkind = "guide"\nurl = "{server.url("/web.txt")}"\n'
        )
        first = _run(project)
        assert first.exit_code == Exit.OK, first.output
        live = _release(project)
        counts = "SELECT (FROM core.effect_estimates SELECT count(*)), (FROM ref.compounds SELECT count(*)), (FROM core.findings SELECT count(*))"
        before = _one(project, counts)
        assert before == [(112, before[0][1], 20)] and before[0][1] > 0

        # A mistyped estimates path, a vocabulary header typo, and the URL answering 503.
        registry.write_text(
            registry.read_text().replace('path = "estimates/*.csv"', 'path = "estimate/*.csv"')
        )
        compounds = project / "raw" / "vocab" / "compounds.csv"
        compounds.write_text(compounds.read_text().replace("id,", "ident,", 1))
        server.script.failures["/web.txt"] = 100
        blocked = _run(project)
        assert blocked.exit_code == Exit.SHRINK, blocked.output
        lines = [
            x
            for x in blocked.output.splitlines()
            if x.startswith("blocked: ") and " would lose " in x
        ]
        assert [line.split(" would lose ")[0] for line in lines] == [
            "blocked: vocab",
            "blocked: estimates",
        ]
        assert lines[0].startswith(
            f"blocked: vocab would lose {before[0][1]} ref.compounds rows: vocab/compounds.csv: "
            "cannot read vocabulary: header does not match ref.compounds: missing ['id']"
        )
        assert lines[1].startswith(
            "blocked: estimates would lose 112 core.effect_estimates rows: estimate/*.csv: "
            "'estimate/*.csv' matches no file under"
        )
        assert "--allow-shrink" in blocked.output
        assert _release(project) == live and _one(project, counts) == before
        assert _one(project, "SELECT status, release_id FROM meta.runs ORDER BY started_at") == [
            ("success", live[0]),
            ("blocked", None),
        ]
        # The URL was served from its last good copy, marked stale: it blocks nothing.
        assert _one(
            project,
            "SELECT origin FROM meta.pulled_files WHERE registry_id = 'web' ORDER BY run_id = "
            "(SELECT run_id FROM meta.runs WHERE status = 'blocked')",
        ) == [("downloaded",), ("stale",)]

        allowed = _run(project, "--allow-shrink")
        assert allowed.exit_code == Exit.ISSUES, allowed.output
        assert _release(project) != live
        after = _one(project, counts)[0]
        assert (after[0], after[2]) == (0, 20)  # the web guide's 10 findings kept, stale
        stale = _one(
            project,
            "SELECT error, message FROM quality.source_errors WHERE source_id = 'web'",
        )
        assert stale[0][0] == "stale" and "server answered 500" in stale[0][1]
        assert "served the copy fetched at" in stale[0][1]
        manifest = json.loads((project / "warehouse" / "exports" / "manifest.json").read_text())
        assert manifest["release_id"] == _release(project)[0]


def test_rows_removed_by_an_edit_without_an_error_are_published(
    prefect_api: str, project: Path
) -> None:
    assert _run(project).exit_code == Exit.OK
    estimates = next((project / "raw" / "estimates").glob("*.csv"))
    lines = estimates.read_text(encoding="utf-8").splitlines(keepends=True)
    estimates.write_text("".join(lines[:-2]), encoding="utf-8")
    result = _run(project)
    assert result.exit_code == Exit.OK, result.output
    assert _one(project, "SELECT count(*) FROM core.effect_estimates") == [(110,)]
    # A live release the gate cannot read is said, not passed over in silence.
    live = (project / "warehouse" / "exports").resolve()
    next((live / "core" / "claims").glob("*.parquet")).unlink()
    estimates.write_text("".join(lines[:-3]), encoding="utf-8")
    result = _run(project)
    assert result.exit_code == Exit.OK, result.output
    [line] = [x for x in result.output.splitlines() if x.startswith("the publish gate could not")]
    assert line.startswith(f"the publish gate could not read the live release ({live}: IOException")
    assert line.endswith("; nothing was compared")
