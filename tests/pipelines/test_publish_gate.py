"""The publish gate through real runs of the CLI: a release never silently loses what the live
one had from a source, because of an error or a fall no error explains (a page that is no longer
a guide, a deleted vocabulary, tables emptied); a URL that fails is served from its last good
copy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import Exit, app
from tests.conftest import DATA, SEED, warehouse_rows
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
    # A live release with a part gone is said, and the gate reads the live warehouse instead.
    live = (project / "warehouse" / "exports").resolve()
    part = next((live / "core" / "claims").glob("*.parquet"))
    part.unlink()
    estimates.write_text("".join(lines[:-3]), encoding="utf-8")
    result = _run(project)
    assert result.exit_code == Exit.OK, result.output
    repaired = [x for x in result.output.splitlines() if x.startswith("repaired: ")]
    assert repaired == [
        f"repaired: the live release {live.name} has 1 damaged file(s) "
        f"(core/claims/{part.name}: missing); this run publishes a whole release in its place",
        f"repaired: removed the release(s) that held the damaged files too ({live.name})",
    ]
    assert _one(project, "SELECT count(*) FROM core.effect_estimates") == [(109,)]
    # The gate still guards: the estimates file emptied is blocked, read against the warehouse.
    next((project / "warehouse" / "exports" / "core" / "claims").glob("*.parquet")).unlink()
    estimates.write_text(lines[0], encoding="utf-8")
    blocked = _run(project)
    assert blocked.exit_code == Exit.SHRINK, blocked.output
    [line] = _blocked(blocked.output)
    assert line.startswith("blocked: estimates would lose ")
    assert f"estimates/{estimates.name} yields 0 of its " in line


def _blocked(output: str) -> list[str]:
    """The gate's lines (not the run's closing 'blocked: release none; …' line)."""
    return [x for x in output.splitlines() if x.startswith("blocked: ") and " would " in x]


def test_a_page_that_no_longer_reads_as_a_guide_blocks_local_or_fetched(
    prefect_api: str, project: Path
) -> None:
    """A guide overwritten by a sign-in page, and a URL that starts answering one with a 200: the
    file is refused as no guide (a source error), so both entries would lose their rows."""
    registry = project / "raw" / "sources.toml"
    sign_in = (DATA / "hostile" / "guides" / "sign-in.html").read_bytes()
    with RemoteServer() as server:
        server.script.files["/web.txt"] = SEED.read_bytes()
        registry.write_text(
            registry.read_text()
            + f'\n[[source]]\nid = "web"\nkind = "guide"\nurl = "{server.url("/web.txt")}"\n'
        )
        assert _run(project).exit_code == Exit.OK
        live = _release(project)
        server.script.files["/web.txt"] = sign_in
        (project / "raw" / "guides" / SEED.name).write_bytes(sign_in)
        blocked = _run(project)
        assert blocked.exit_code == Exit.SHRINK, blocked.output
        why = (
            "no table, reference list or citation found: not a comparative guide (an error or "
            "sign-in page, or an emptied file?)"
        )
        assert _blocked(blocked.output) == [
            "blocked: guides would lose 10 core.citations, 2 core.claims, 10 core.findings, 3 "
            "core.preclinical_findings, 5 core.references, 1 core.sources, 3 core.tables rows: "
            f"guides/{SEED.name}: {why}",
            "blocked: web would lose 10 core.citations, 2 core.claims, 10 core.findings, 3 "
            "core.preclinical_findings, 5 core.references, 1 core.sources, 3 core.tables rows: "
            f"{server.url('/web.txt')}: {why}",
        ]
        assert _release(project) == live
        assert _one(project, "SELECT count(*) FROM core.findings") == [(20,)]


def test_a_deleted_vocabulary_blocks_and_names_the_ids_live_rows_use(
    prefect_api: str, project: Path
) -> None:
    assert _run(project).exit_code == Exit.OK
    live = _release(project)
    (project / "raw" / "vocab" / "outcomes.csv").unlink()
    blocked = _run(project)
    assert blocked.exit_code == Exit.SHRINK, blocked.output
    missing, ids = _blocked(blocked.output)
    assert missing == (
        "blocked: vocab would lose 28 ref.outcomes rows: vocab/outcomes.csv: no outcomes.csv "
        "among the vocabulary files: ref.outcomes would be empty and every term it holds "
        "unmatched; restore the file"
    )
    assert ids.startswith(
        "blocked: vocab would drop 23 vocabulary ids that rows of the live release use: "
        "ref.outcomes 'any_adverse_event' (3 core.effect_estimates rows); "
        "ref.outcomes 'application_site_reactions' (2 core.effect_estimates, 1 core.findings rows)"
    )
    assert _release(project) == live
    assert _one(project, "SELECT count(*) FROM ref.outcomes") == [(28,)]


def test_rows_that_fall_sharply_without_an_error_block(prefect_api: str, project: Path) -> None:
    """Most rows of two tables deleted, the guide otherwise sound: no error says why, but the
    document keeps 2 of its 10 findings, under half: blocked until --allow-shrink."""
    assert _run(project).exit_code == Exit.OK
    guide = project / "raw" / "guides" / SEED.name
    kept, table, tabbed = [], 0, 0
    for line in guide.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("Table "):
            table, tabbed = table + 1, 0
        tabbed += "\t" in line
        if not (table in (1, 2) and tabbed > 2 and "\t" in line):  # a header and a row each
            kept.append(line)
    guide.write_text("".join(kept), encoding="utf-8")
    blocked = _run(project)
    assert blocked.exit_code == Exit.SHRINK, blocked.output
    [line] = _blocked(blocked.output)
    assert (
        f"guides/{SEED.name} yields " in line
        and "core.findings rows, with no error to say why" in line
    )
    assert line.endswith(
        "; check the file (an error page, an emptied table?), or publish with --allow-shrink"
    )
    allowed = _run(project, "--allow-shrink")
    assert allowed.exit_code == Exit.OK, allowed.output
    assert _one(project, "SELECT count(*) < 5 FROM core.findings") == [(True,)]
