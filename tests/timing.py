"""How the cost of an operation grows with its input, measured so a loaded machine does not
make a test fail.

A bound in seconds ("takes at most 5 s") flakes when other processes take the CPU, and
says little on a fast machine. The ratio of two timings of the same operation on the same
machine at the same moment, at size n and at a multiple of n, tells linear from quadratic
(4 times the input: 4 times the time, or 16) whatever the machine's speed and load.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

LONG_ENOUGH = 0.05  # seconds: timer resolution and a scheduler tick are small next to this

# An input 4 times larger takes 4 times as long when the work is linear, 16 times when it
# is quadratic; 8 leaves a factor of 2 for noise either way.
LINEAR_4X = 8.0


def seconds(operation: Callable[[T], R], arg: T) -> tuple[float, R]:
    """Seconds one call of operation(arg) takes, from as many calls as fill LONG_ENOUGH,
    and what the last call returned."""
    calls = 0
    start = time.perf_counter()
    while True:
        result = operation(arg)
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= LONG_ENOUGH:
            return elapsed / calls, result


def assert_grows_under(bound: float, operation: Callable[[T], R], small: T, large: T, attempts: int = 3) -> R:
    """t(large) / t(small) < bound, each time the best of up to `attempts` timings, taken in
    turns; returns operation(large), for the test's other checks.

    Another process can only lengthen a timing, so the best one is the least disturbed. The
    timings stop as soon as the ratio of the best ones is under the bound: a quiet machine
    times each input once, a busy one gets two more tries before the test fails."""
    best_small = best_large = math.inf
    ratios = []
    for _ in range(attempts):
        best_small = min(best_small, seconds(operation, small)[0])
        took, result = seconds(operation, large)
        best_large = min(best_large, took)
        ratios.append(best_large / best_small)
        if ratios[-1] < bound:
            return result
    shown = ", ".join(f"{r:.1f}" for r in ratios)
    raise AssertionError(f"t(large) / t(small) = {shown} in {attempts} tries, never under {bound}")
