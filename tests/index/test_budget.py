"""index.budget: the per-file time limit stops runaway Python and regular expressions."""

from __future__ import annotations

import re
import signal
import threading

import pytest

from index.budget import FileTimeout, TimeLimit, can_limit_here


def _spin() -> None:
    while True:
        pass


def test_a_runaway_loop_is_stopped_and_the_previous_handler_restored() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(FileTimeout), TimeLimit(0.05):
        _spin()
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_runaway_regular_expression_is_stopped() -> None:
    with pytest.raises(FileTimeout), TimeLimit(0.05):
        re.match(r"(a+)+$", "a" * 64 + "b")


def test_a_library_that_swallows_exceptions_does_not_swallow_the_limit() -> None:
    def stubborn() -> None:
        while True:
            try:
                _spin()
            except Exception:  # what readers do around library calls
                continue

    with pytest.raises(FileTimeout), TimeLimit(0.05):
        stubborn()


def test_a_block_that_finishes_in_time_is_not_disturbed() -> None:
    with TimeLimit(5):
        total = sum(range(1000))
    assert total == 499500
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_limit_outside_the_main_thread_or_when_none() -> None:
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(can_limit_here()))
    thread.start()
    thread.join()
    assert seen == [False] and can_limit_here()
    with TimeLimit(None):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
