"""Pull: the sources registry (raw/sources.toml) and fetching, local files and http(s) URLs alike.

What belongs here turns a registry entry into bytes on local disk with their hash recorded
(`PulledFile`), or a `SourceError` saying why not. Pull comes first in the flow, so it imports no
other wing of `pipelines` and nothing at the top level; it never imports Prefect (retries are the
flow's `fetch` task around `fetch.fetch`).
"""
