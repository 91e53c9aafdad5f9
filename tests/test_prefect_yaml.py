"""prefect.yaml as its comment tells a user to use it, against a real local Prefect server: a
process work pool, `prefect deploy`, a run of the deployment picked up by a real process worker,
which builds the warehouse in the folder the deployment was made from."""

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PREFECT = str(Path(sys.executable).parent / "prefect")


def prefect(*arguments: str, env: dict, cwd: Path, timeout: int = 300) -> str:
    done = subprocess.run(
        [PREFECT, *arguments], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, (arguments, done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout


def test_the_work_pool_deployment_builds_the_warehouse(prefect_api, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "raw", project / "raw")
    shutil.copy(ROOT / "prefect.yaml", project / "prefect.yaml")
    (project / "pipelines").symlink_to(ROOT / "pipelines")  # the entrypoint's file
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PWD": str(project)}
    prefect("work-pool", "create", "dermevidence", "--type", "process", env=env, cwd=project)
    prefect("--no-prompt", "deploy", "--all", env=env, cwd=project)
    deployment = asyncio.run(_deployment(prefect_api))
    assert deployment.entrypoint == "pipelines/flows.py:build_warehouse"
    assert deployment.work_pool_name == "dermevidence"
    assert deployment.parameters == {
        "sources": "raw/sources.toml", "warehouse": "warehouse", "strict": False, "offline": False,
    }  # fmt: skip
    assert deployment.tags == ["dermevidence", "work-pool"]
    assert deployment.description.startswith("Build the evidence warehouse warehouse/ from")
    assert [s.schedule.cron for s in deployment.schedules] == ["0 6 * * *"]
    prefect("deployment", "run", "build_warehouse/dermevidence", env=env, cwd=project)
    prefect("worker", "start", "--pool", "dermevidence", "--run-once", env=env, cwd=tmp_path)
    states = asyncio.run(_run_states(prefect_api, deployment.id))
    assert states == ["COMPLETED"], states
    # The worker ran in another folder: the pull step put the flow in the project's.
    assert (project / "warehouse" / "exports" / "report" / "index.html").is_file()
    assert not (tmp_path / "warehouse").exists()


async def _deployment(api: str):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        async with get_client() as client:
            return await client.read_deployment_by_name("build_warehouse/dermevidence")


async def _run_states(api: str, deployment_id) -> list[str]:
    """The states of the deployment's runs that were not scheduled by its cron."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        async with get_client() as client:
            runs = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
            )
    return [run.state_type.value for run in runs if run.state_type.value != "SCHEDULED"]
