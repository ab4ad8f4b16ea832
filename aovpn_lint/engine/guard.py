"""Keep a rule from ending the process: ``os._exit`` called while rules run raises instead.

``sys.exit`` raises ``SystemExit``, which the engine already isolates; ``os._exit`` ends the
process on the spot, without ``finally`` blocks or reports, and its exit code (often 0) would
be the run's. While rules run, the engine swaps it for a function that raises
:class:`ProcessExitCalled` (a ``SystemExit``), so the call becomes that rule's internal error
and the run goes on. This guards against plugin bugs (a helper written for a command line), not
against malice: code that kept a reference to the real function, or kills its own process, still
takes the process with it, and a ``-j`` worker's death is then reported by its supervisor.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn


class ProcessExitCalled(SystemExit):
    """A rule called ``os._exit``; raised in its place."""

    def __str__(self) -> str:
        return f"called os._exit({self.code}), which would have ended the whole run"


def _refuse(status: int) -> NoReturn:
    raise ProcessExitCalled(status)


@contextmanager
def refuse_process_exit() -> Iterator[None]:
    """Within the block, ``os._exit`` raises :class:`ProcessExitCalled`."""
    real = os._exit
    os._exit = _refuse
    try:
        yield
    finally:
        os._exit = real
