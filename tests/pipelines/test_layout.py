"""The wings of pipelines/ import only downstream of the flow: pull → read → interpret → appraise → store.

Beside them, `runtime` (what keeps a run going) imports nothing of the project, and only `flows`
and the CLI import it, but for its leaf `failpoints`, which any step that writes may call. Every
import statement is read from the source (also those inside functions), so a lazy import cannot
slip past the rule. Nothing in the project imports the CLI.
"""

import ast
from pathlib import Path

from tests.conftest import ROOT

WINGS = ("pull", "read", "interpret", "appraise", "store", "runtime", "cli")
# What each wing may import from this project, besides itself.
ALLOWED = {
    "pull": {"schemas"},
    "read": {"schemas", "pipelines.pull"},
    "interpret": {"schemas", "pipelines.pull", "pipelines.read", "pipelines.validate"},
    "appraise": {"schemas", "pipelines.interpret"},
    "store": {
        "schemas",
        "pipelines.pull",
        "pipelines.read",
        "pipelines.interpret",
        "pipelines.appraise",
    },
    "runtime": set(),
    "schemas": {"schemas"},
}
PREFECT_USERS = ("pipelines.flows", "pipelines.cli")
RUNTIME = "pipelines.runtime"
CLI = "pipelines.cli"
# A leaf of the standard library alone, the fault harness's kill points inside every writing step.
FAILPOINTS = "pipelines.runtime.failpoints"


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module an import statement in the file names; `from package import x` names
    package.x when x is a module of the package under `root`."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            folder = root.joinpath(*node.module.split("."))
            submodules = {
                f"{node.module}.{alias.name}"
                for alias in node.names
                if (folder / f"{alias.name}.py").is_file() or (folder / alias.name).is_dir()
            }
            names |= submodules or {node.module}
    return names


def module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def project_import(name: str) -> bool:
    return name == "schemas" or name.startswith(("schemas.", "pipelines."))


def is_under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def violations(root: Path) -> list[str]:
    """`module imports name` for every import that breaks the rules, sorted."""
    found: list[str] = []
    for path in sorted([*root.glob("pipelines/**/*.py"), *root.glob("schemas/**/*.py")]):
        module = module_name(path, root)
        parts = module.split(".")
        area = parts[1] if parts[0] == "pipelines" and len(parts) > 2 else parts[0]
        for name in sorted(imported_modules(path, root)):
            if is_under(name, "prefect") or is_under(name, "prefect_dask"):
                if not any(is_under(module, user) for user in PREFECT_USERS):
                    found.append(f"{module} imports {name}")
            elif is_under(name, CLI) and not is_under(module, CLI):
                found.append(f"{module} imports {name}")
            elif is_under(name, RUNTIME) and not is_under(module, RUNTIME):
                users = any(is_under(module, user) for user in PREFECT_USERS)
                if not users and not is_under(name, FAILPOINTS):
                    found.append(f"{module} imports {name}")
            elif area in ALLOWED and project_import(name):
                own = "schemas" if area == "schemas" else f"pipelines.{area}"
                allowed = ALLOWED[area] | {own}
                if not any(is_under(name, package) for package in allowed):
                    found.append(f"{module} imports {name}")
    return found


def test_wings_import_only_downstream_and_only_flows_and_cli_import_prefect_and_runtime():
    assert violations(ROOT) == []


def test_every_wing_says_what_belongs_there_and_what_it_may_import():
    for wing in WINGS:
        doc = ast.get_docstring(ast.parse((ROOT / "pipelines" / wing / "__init__.py").read_text()))
        assert doc and "import" in doc, wing


def test_the_rule_catches_an_upward_import_a_lazy_one_and_prefect(tmp_path):
    (tmp_path / "pipelines" / "read").mkdir(parents=True)
    (tmp_path / "pipelines" / "interpret").mkdir()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "pipelines" / "read" / "reader.py").write_text(
        "from pipelines.store.load import connect\n"
        "from pipelines.read.text import clean\n"
        "def f():\n    import pipelines.interpret.vocab\n"
    )
    (tmp_path / "pipelines" / "interpret" / "terms.py").write_text(
        "from prefect import task\nfrom pipelines.validate import validate_rows\n"
    )
    (tmp_path / "pipelines" / "batches.py").write_text("from prefect import flow\n")
    (tmp_path / "schemas" / "base.py").write_text("from pipelines.read import text\n")
    assert violations(tmp_path) == [
        "pipelines.batches imports prefect",
        "pipelines.interpret.terms imports prefect",
        "pipelines.read.reader imports pipelines.interpret.vocab",
        "pipelines.read.reader imports pipelines.store.load",
        "schemas.base imports pipelines.read",
    ]


def test_the_rule_keeps_interpret_and_appraise_apart_and_appraise_below_store(tmp_path):
    for folder in ("interpret", "appraise"):
        (tmp_path / "pipelines" / folder).mkdir(parents=True)
    (tmp_path / "pipelines" / "batches.py").write_text("")
    (tmp_path / "pipelines" / "interpret" / "normalize.py").write_text(
        "from pipelines.appraise.evidence import assess\n"
        "def f():\n    from pipelines.appraise import fit\n"
    )
    (tmp_path / "pipelines" / "appraise" / "fit.py").write_text(
        "from pipelines.interpret.vocab import Vocabulary\nfrom schemas import base\n"
    )
    (tmp_path / "pipelines" / "appraise" / "evidence.py").write_text(
        "from pipelines.store.load import connect\nfrom pipelines.read.text import clean\n"
        "from pipelines.pull.sources import records\nfrom pipelines import batches\n"
        "from pipelines.validate import validate_rows\nimport prefect\n"
    )
    assert violations(tmp_path) == [
        "pipelines.appraise.evidence imports pipelines.batches",
        "pipelines.appraise.evidence imports pipelines.pull.sources",
        "pipelines.appraise.evidence imports pipelines.read.text",
        "pipelines.appraise.evidence imports pipelines.store.load",
        "pipelines.appraise.evidence imports pipelines.validate",
        "pipelines.appraise.evidence imports prefect",
        "pipelines.interpret.normalize imports pipelines.appraise.evidence",
        "pipelines.interpret.normalize imports pipelines.appraise.fit",
    ]


def test_the_rule_catches_runtime_importing_a_wing_and_a_wing_importing_runtime(tmp_path):
    for folder in ("runtime", "store", "cli"):
        (tmp_path / "pipelines" / folder).mkdir(parents=True)
        (tmp_path / "pipelines" / folder / "__init__.py").write_text("")
    (tmp_path / "pipelines" / "runtime" / "failpoints.py").write_text("import os\n")
    (tmp_path / "pipelines" / "runtime" / "memory.py").write_text("import ctypes\n")
    (tmp_path / "pipelines" / "runtime" / "cluster.py").write_text(
        "from pipelines import batches\nfrom pipelines.store.layout import Layout\n"
        "from prefect import flow\n"
    )
    (tmp_path / "pipelines" / "store" / "load.py").write_text(
        "from pipelines.runtime import failpoints\nfrom pipelines.runtime import memory\n"
    )
    (tmp_path / "pipelines" / "batches.py").write_text(
        "from pipelines.runtime.failpoints import reached\nimport pipelines.runtime.memory\n"
    )
    (tmp_path / "pipelines" / "cli" / "run.py").write_text(
        "from prefect import flow\nfrom pipelines.runtime import memory\n"
    )
    (tmp_path / "pipelines" / "flows.py").write_text(
        "from pipelines.runtime import memory\nfrom pipelines.cli.run import show\n"
    )
    assert violations(tmp_path) == [
        "pipelines.batches imports pipelines.runtime.memory",
        "pipelines.flows imports pipelines.cli.run",
        "pipelines.runtime.cluster imports pipelines.batches",
        "pipelines.runtime.cluster imports pipelines.store.layout",
        "pipelines.runtime.cluster imports prefect",
        "pipelines.store.load imports pipelines.runtime.memory",
    ]


def test_failpoints_is_a_leaf_every_wing_may_import() -> None:
    imported = imported_modules(ROOT / "pipelines" / "runtime" / "failpoints.py")
    assert imported == {"__future__", "os", "signal"}


def test_at_most_six_modules_stand_at_the_top_of_pipelines() -> None:
    top = sorted(path.name for path in (ROOT / "pipelines").glob("*.py"))
    assert top == ["__init__.py", "batches.py", "file_checker.py", "flows.py", "validate.py"]
