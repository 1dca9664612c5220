"""A time limit for reading one file, so that one costly file is skipped and the build goes on.

The readers' known costly paths are bounded at their source (HTML nesting depth, mail header
sizes); this is the backstop for the ones nobody found yet. It uses a timer signal (SIGALRM)
in the process that parses: Python runs the signal's handler between two bytecodes, and the C
code that can run long on hostile input (the regular expression engine) checks for signals too,
so even a runaway regular expression stops. Signals only reach a process's main thread: a
caller in another thread has its files read in a worker process instead (see `can_limit_here`).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

__all__ = ["DEFAULT_FILE_TIMEOUT", "FileTimeout", "TimeLimit", "can_limit_here"]

# Seconds. The slowest legitimate files we read (a 20 MB mbox of 20news posts, a 2 MB page)
# take well under a second; a busy machine may take several times longer.
DEFAULT_FILE_TIMEOUT = 10.0
# After the first alarm, it rings again at this interval until the limit is lifted: should a
# library swallow the first FileTimeout in a bare `except BaseException`, the next one lands.
_AGAIN = 0.25


class FileTimeout(BaseException):
    """Reading a file took longer than its limit.

    A BaseException, like KeyboardInterrupt: readers catch `Exception` around library calls
    to turn a library's failure into a skipped file, and must not swallow this.
    """


def can_limit_here() -> bool:
    """Whether `TimeLimit` works here: in the main thread, with no timer of the caller's."""
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


class TimeLimit:
    """`with TimeLimit(seconds):` raises FileTimeout in the block once `seconds` have passed.

    Does nothing when `seconds` is None or when `can_limit_here()` is false.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.active = False
        self.armed = False
        self.previous: Any = None

    def _ring(self, signum: int, frame: FrameType | None) -> None:
        if self.active:
            self.active = False  # once: the block is over as soon as this propagates
            raise FileTimeout(f"took longer than {self.seconds:g} s")

    def __enter__(self) -> TimeLimit:
        if self.seconds is not None and self.seconds > 0 and can_limit_here():
            self.previous = signal.signal(signal.SIGALRM, self._ring)
            self.armed = self.active = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds, _AGAIN)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if not self.armed:
            return
        try:
            # The alarm may ring on this very line: it then raises here, once, and the
            # `finally` still puts everything back (the handler no longer raises).
            self.active = False
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            # None: a handler not set from Python; the default is the closest we can put back.
            signal.signal(signal.SIGALRM, self.previous or signal.SIG_DFL)
            self.armed = False
