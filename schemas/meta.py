"""meta.*: the shards a build is made of, the run history, the files each run pulled (DuckDB only), and what changed since the
previous release (published with the release)."""

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
        isin=["success", "success_with_issues", "failed_strict", "blocked", "failed"],
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
    pulled_at: UTC_TIME = pa.Field(
        description="When the run listed the file and took its checksum (UTC): one time for all "
        "the files of a registry entry."
    )
    origin: str = pa.Field(
        isin=["local", "downloaded", "not_modified", "cache", "stale"],
        description="Where the bytes came from: a local path; a URL downloaded, or revalidated "
        "as unchanged (HTTP 304), or served from the landing cache by an --offline run, or "
        "served from it as stale because fetching failed (a source error `stale` says why).",
    )


class ReleaseChanges(Model):
    dataset: str = pa.Field(
        description="Dataset compared (core.findings, core.evidence_checks, core.effect_estimates, core.references)."
    )
    key: str = pa.Field(description="Key of the row in that dataset (finding_id, estimate_id …).")
    change: str = pa.Field(
        isin=["added", "removed", "changed"],
        description="added or removed (the whole row; field is null), changed (one row per field).",
    )
    field: str | None = pa.Field(nullable=True, description="The field that changed.")
    old: str | None = pa.Field(
        nullable=True, description="Its value in the previous release, as text (lists as JSON)."
    )
    new: str | None = pa.Field(nullable=True, description="Its value in this release, as text.")
    previous_release_id: str = pa.Field(description="The release this one is compared with.")
    description: str = pa.Field(
        description="The change in words: the guide, table.row.statement, the finding's comparison and outcome ('Tacrolimus 0.1% vs Pimecrolimus 1%, IGA success: verdict supported → mixed'); an estimate by its file, line and comparison; a reference by its guide, number and title."
    )


class Shards(Model):
    shard: str = pa.Field(
        unique=True,
        description="Shard folder under warehouse/cache/shards: a key of its inputs' content and the code.",
    )
    position: int = pa.Field(
        ge=0,
        description="Its place in the build: reference shards first, then the guide batches in "
        "source-id order; release parts are numbered by it.",
    )
    kind: str = pa.Field(
        isin=["vocabularies", "bibliography", "estimates", "pull-errors", "guides"],
        description="What it holds: a kind of reference data, the pull errors, or a batch of guides.",
    )


DATASETS = (
    Dataset(
        name="meta.shards",
        model=Shards,
        description="The shards the warehouse was built from. A run whose reference shards are "
        "the same replaces only the rows of the batches that changed, in a copy of the warehouse.",
        key=("shard",),
        order_by=("position",),
        published=False,
    ),
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
    Dataset(
        name="meta.release_changes",
        model=ReleaseChanges,
        description="What changed since the previous release: rows added or removed, and each changed field with its old and new value, for findings, verdicts, effect estimates and references (the fields each dataset compares are declared in schemas/). Empty for the first release.",
        key=("dataset", "key", "change", "field"),
        order_by=("dataset", "key", "change", "field"),
    ),
)
