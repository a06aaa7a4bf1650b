"""Shape arithmetic the trusted side needs in several places (cases, gradient checks, mistakes)."""
from __future__ import annotations


def pair(value) -> tuple[int, int]:
    """stride or padding given as an int or a (rows, cols) pair -> (rows, cols)."""
    if isinstance(value, (tuple, list)):
        return int(value[0]), int(value[1])
    return int(value), int(value)


def output_length(n: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> int:
    """floor((n + 2p - d(k-1) - 1) / s) + 1: positions of a k-kernel (dilation d) on n (+2p) with stride s."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1
