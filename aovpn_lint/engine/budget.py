"""A time budget for each rule on each document, so that one hung rule cannot stall a CI run.

On POSIX, in the main thread of a process (the CLI, and every ``-j`` worker), one interval timer
is armed per document. When it fires, the handler checks how long the *current* rule has been
running: past the budget, it raises :class:`RuleTimeout` inside that rule; otherwise it re-arms
the timer for the rest of that rule's budget. Rules switch by assigning one attribute, so the
cost per rule is a clock read, not a system call.

Elsewhere (Windows, or a thread that is not the main one) rules cannot be interrupted; the engine
still measures each rule and reports the ones that overran. A rule stuck inside C code that never
returns to the interpreter cannot be interrupted either: the signal is only handled between
Python bytecodes.
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType, TracebackType

_CAN_INTERRUPT = hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")


class RuleTimeout(BaseException):
    """Raised inside a rule that ran past its budget.

    A ``BaseException`` so that a rule's own ``except Exception`` cannot swallow it.
    """


class Budget:
    """Context manager around the rules of one document; call :meth:`start` before each rule."""

    __slots__ = (
        "seconds",
        "started",
        "last",
        "interruptible",
        "_previous",
        "_old_timer",
        "_armed_at",
    )

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = 0.0
        self.last = 0.0
        self.interruptible = False
        self._previous: object = None
        self._old_timer = (0.0, 0.0)
        self._armed_at = 0.0

    def __enter__(self) -> Budget:
        if (
            0 < self.seconds < 1e9
            and _CAN_INTERRUPT
            and threading.current_thread() is threading.main_thread()
        ):
            try:
                self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
            except (ValueError, OSError):  # not allowed here (embedded interpreter...)
                return self
            self.interruptible = True
            self._armed_at = time.monotonic()
            self._old_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def start(self) -> None:
        """A rule starts now."""
        self.started = time.monotonic()

    def stop(self) -> None:
        """The rule has returned (or raised); until the next start, the alarm only re-arms."""
        self.last = time.monotonic() - self.started
        self.started = 0.0

    def rearm(self) -> None:
        """After a timeout the alarm is spent: arm it again for the next rule."""
        self.started = 0.0
        if self.interruptible:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def overran(self) -> float | None:
        """Seconds the rule that just finished took, when that is over the budget."""
        return self.last if self.seconds > 0 and self.last > self.seconds else None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.interruptible:
            return
        self.interruptible = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous)  # type: ignore[arg-type]
        delay, interval = self._old_timer
        if delay > 0:  # someone else's timer was running: give it back what is left of it
            left = delay - (time.monotonic() - self._armed_at)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), interval)

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if not self.interruptible:
            return
        if self.started == 0.0:  # between rules
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            return
        elapsed = time.monotonic() - self.started
        if elapsed >= self.seconds:
            self.started = 0.0  # raise once; the engine re-arms for the next rule
            raise RuleTimeout(elapsed)
        signal.setitimer(signal.ITIMER_REAL, max(self.seconds - elapsed, 0.001))
