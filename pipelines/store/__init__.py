"""Store: the warehouse under warehouse/ — its layout and lock, loading the shards into a new DuckDB
file swapped in atomically, cross-dataset checks, immutable Parquet releases, run reports and history.

It may import `pull`, `read`, `interpret`, `appraise` and `schemas`; nothing at the top of `pipelines`, and
never Prefect (the flow wraps these functions in tasks).
"""
