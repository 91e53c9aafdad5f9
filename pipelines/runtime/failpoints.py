"""Named moments at which the fault harness (tests/faults.py) kills a run, from inside.

A kill watched from outside lands wherever the run has got to by the time the watcher reacts; a
window of a few milliseconds (a release renamed in, the warehouse not yet swapped) is then hit
only by chance. With DERMEVIDENCE_FAILPOINT=<name> in its environment, a run SIGKILLs its whole
process group when it reaches that moment, so every boundary is hit exactly. Unset (always, outside
the harness), `reached` does nothing. A leaf module: any wing may call it.
"""

from __future__ import annotations

import os
import signal

VARIABLE = "DERMEVIDENCE_FAILPOINT"
NAMES = (
    "locked",  # the warehouse lock taken, nothing else done
    "parse",  # a parse shard's staging folder half written
    "load",  # the new DuckDB file created, its tables not yet filled
    "update",  # a copy of the live warehouse made, the changed batches' rows not yet replaced
    "release-staged",  # the release's staging folder half written
    "release-linked",  # a part hard-linked from the live release into the staging folder
    "release-ready",  # the release renamed into place, the warehouse not yet swapped
    "swapped",  # the warehouse swapped in, the exports not yet switched
    "switched",  # the exports switched, old releases not yet pruned
    "shard-pruning",  # a shard the published build no longer uses renamed away, not yet deleted
    "unchanged-copy",  # unchanged inputs: the warehouse copy made, not yet recorded
    "unchanged-swapped",  # unchanged inputs: the recorded copy swapped in
    "gated",  # the publish gate blocked the release, its building warehouse not yet removed
    "repairing",  # an unreadable warehouse file set aside, the new one not yet built
)


def reached(name: str) -> None:
    if os.environ.get(VARIABLE) == name:
        os.killpg(os.getpgrp(), signal.SIGKILL)
