"""Runtime: what keeps a run going, apart from what the run does with the data.

The local Prefect server (its settings, start, stop and the keeper that stops it when idle), the
Dask cluster checked before work is sent to it, work begun in a daemon thread, the fault
harness's kill points, freed memory handed back to the operating system, and the progress events
the CLI draws. Nothing here knows a
guide, a vocabulary or the warehouse: it imports no other wing of `pipelines` and nothing at the
top, and never Prefect itself (the server runs as a separate process). Only `flows` and `cli`
import it, with one exception: `failpoints`, a leaf of the standard library, is called from
inside every step that writes to the warehouse (`batches` and `store`), so that a kill lands on
the exact moment it names.
"""
