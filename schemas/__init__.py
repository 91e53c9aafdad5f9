"""Every dataset of the warehouse, in load order; the single source of truth for their columns."""

from schemas import (
    bibliographic_records,
    citations,
    claims,
    effect_estimates,
    evidence_checks,
    findings,
    meta,
    preclinical_findings,
    quality,
    references,
    sources,
    table_cells,
    tables,
    vocabularies,
)
from schemas.base import SCHEMA_VERSION, Dataset

DATASETS: tuple[Dataset, ...] = (
    *vocabularies.DATASETS,
    table_cells.DATASET,
    sources.DATASET,
    tables.DATASET,
    findings.DATASET,
    preclinical_findings.DATASET,
    claims.DATASET,
    bibliographic_records.DATASET,
    references.DATASET,
    citations.DATASET,
    effect_estimates.RAW,
    effect_estimates.DATASET,
    evidence_checks.DATASET,
    evidence_checks.VERDICT_ESTIMATES,
    *quality.DATASETS,
    *meta.DATASETS,
)
BY_NAME: dict[str, Dataset] = {d.name: d for d in DATASETS}
WAREHOUSE_SCHEMAS = ("raw", "ref", "core", "quality", "meta")

__all__ = ["BY_NAME", "DATASETS", "SCHEMA_VERSION", "WAREHOUSE_SCHEMAS", "Dataset"]
