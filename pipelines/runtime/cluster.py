"""A Dask cluster checked before a run sends it work: reachable, with workers, each able to import
this project's code at the same version. A cluster that fails any of these ends the run with one
line naming what is wrong, not a traceback from deep inside a task."""

from __future__ import annotations

from collections.abc import Callable

from pipelines.runtime.threads import started


class ClusterError(Exception):
    pass


def check_cluster(address: str, code_version: Callable[[], str], timeout: float = 10.0) -> int:
    """The number of workers at `address`, or ClusterError. `code_version` is called here and on
    every worker (so a worker that cannot import it, or has other code, is named). The whole
    check has a deadline of three times `timeout`: a port that accepts a connection and never
    answers as a scheduler (not Dask at all) would otherwise hold the run, and its warehouse
    lock, for ever."""
    checking, outcome = started(lambda: _check(address, code_version, timeout), "dask-preflight")
    checking.join(3 * timeout)
    if not outcome:
        raise ClusterError(
            f"no answer from a Dask scheduler at {address} within {3 * timeout:g} s; is it one?"
        )
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _check(address: str, code_version: Callable[[], str], timeout: float) -> int:
    from distributed import Client

    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        workers = client.scheduler_info()["workers"]
        if not workers:
            raise ClusterError(f"the Dask scheduler at {address} has no workers")
        try:
            versions = client.run(code_version)
        except Exception as exc:  # anything a worker raises is the worker's problem, reported
            # Dask hands a worker's import error back wrapped in a bare Exception.
            detail = str(exc) if type(exc) is Exception else f"{type(exc).__name__}: {exc}"
            raise ClusterError(
                f"a worker of {address} cannot run this project's code ({detail}); install it there (make install)"
            ) from None
        mine = code_version()
        for worker, version in sorted(versions.items()):
            if version != mine:
                raise ClusterError(
                    f"worker {worker} runs code version {version}, this run {mine}: install the same commit on every machine"
                )
        return len(workers)
    finally:
        client.close()
