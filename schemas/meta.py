"""meta.*: the run history and the files each run pulled (not published as Parquet)."""

import pandera.polars as pa
import polars as pl

from schemas.base import Dataset, Model

UTC_TIME = pl.Datetime("us", "UTC")


class Runs(Model):
    run_id: str = pa.Field(
        unique=True, description="Run id (also the Prefect flow run id when run under Prefect)."
    )
    started_at: UTC_TIME = pa.Field(description="When the run started (UTC).")
    finished_at: UTC_TIME = pa.Field(nullable=True, description="When the run finished (UTC).")
    status: str = pa.Field(
        isin=["success", "success_with_issues", "failed_strict", "failed"],
        description="Outcome of the run.",
    )
    strict: bool = pa.Field(description="Whether the run was --strict.")
    release_id: str | None = pa.Field(
        nullable=True, description="Release the run published, if any."
    )
    rows_json: str = pa.Field(description="Rows per dataset, as a JSON object.")
    quarantined: int = pa.Field(ge=0, description="Rows quarantined.")
    source_errors: int = pa.Field(ge=0, description="Source errors recorded.")
    stage_seconds_json: str = pa.Field(
        description="Wall time per stage in seconds, as a JSON object."
    )


class PulledFiles(Model):
    run_id: str = pa.Field(description="The run that read the file (meta.runs).")
    source_id: str = pa.Field(description="Document id.")
    registry_id: str = pa.Field(description="Registry entry the file was found through.")
    kind: str = pa.Field(description="Registry kind.")
    file: str = pa.Field(description="Path relative to the registry, or URL.")
    bytes: int = pa.Field(ge=0, description="Size in bytes.")
    sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$", description="SHA-256 of the bytes.")
    pulled_at: UTC_TIME = pa.Field(description="When the run read the file (UTC).")
    origin: str = pa.Field(
        isin=["local", "downloaded", "not_modified", "cache"],
        description="Where the bytes came from: a local path; a URL downloaded, or revalidated "
        "as unchanged (HTTP 304), or served from the landing cache by an --offline run.",
    )


DATASETS = (
    Dataset(
        name="meta.runs",
        model=Runs,
        description="One row per run of the pipeline.",
        key=("run_id",),
        order_by=("started_at", "run_id"),
        published=False,
    ),
    Dataset(
        name="meta.pulled_files",
        model=PulledFiles,
        description="Every file every run read, with its checksum: which version of each source a run used.",
        key=("run_id", "source_id"),
        published=False,
    ),
)
