"""Scalar test functions f(x) for grading `numerical_gradient(f, x, h)`.

A case cannot send a Python function to the student's process, so it sends a FunctionSpec (a name
and a few float64 arrays) and the child rebuilds the function with `make_function`. This module is
loaded BY PATH inside the sandboxed child: it must stay pure numpy, with no imports from the
autograder package. The exact gradients used to judge the answers live in the parent
(autograder/gradcheck.py), not here.

Library (x may have any shape; xf = x.ravel() has n elements):
    "quadratic":  f = 0.5 * xf.A.xf + c.xf             params A: (n, n), c: (n,)
    "sines":      f = sum(a * sin(k * x + phi))         params a, k, phi: shaped like x
    "conv_loss":  f = 0.5 * sum((corr2d(x, w) - t)^2)   params w: (KH, KW), t: (OH, OW); x 2-D
    "softplus":   f = sum(a * log(1 + exp(k * x)))      params a, k: shaped like x
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

DESCRIPTIONS = {
    "quadratic": "f(x) = 0.5 x.A.x + c.x (A not symmetric)",
    "sines": "f(x) = sum(a * sin(k * x + phi))",
    "conv_loss": "f(x) = 0.5 * sum((corr2d(x, w) - t)**2)",
    "softplus": "f(x) = sum(a * log(1 + exp(k * x)))",
}


@dataclass(frozen=True)
class FunctionSpec:
    """A scalar test function as plain data: its name and its float64 parameter arrays."""

    name: str
    params: dict = field(default_factory=dict)  # str -> np.ndarray (float64)

    def describe(self) -> str:
        return DESCRIPTIONS.get(self.name, self.name)


def _corr2d(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Valid 2-D cross-correlation in plain numpy: x (H, W), w (KH, KW) -> (H-KH+1, W-KW+1)."""
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)
    return np.einsum("ijpq,pq->ij", windows, w)


def _values(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def make_function(spec: FunctionSpec) -> Callable[[np.ndarray], float]:
    """The scalar function described by `spec`: takes an array shaped like the case's x, returns
    a Python float. Raises ValueError for an unknown name or an x of the wrong shape."""
    p = {key: np.asarray(value, dtype=np.float64) for key, value in spec.params.items()}
    name = spec.name

    if name == "quadratic":
        A, c = p["A"], p["c"]

        def f(x):
            xf = _values(x).ravel()
            if xf.shape != c.shape:
                raise ValueError(f"f expects {c.size} numbers, got an array of shape {np.shape(x)}")
            return float(0.5 * xf @ A @ xf + c @ xf)

    elif name == "sines":
        a, k, phi = p["a"], p["k"], p["phi"]

        def f(x):
            x = _values(x)
            if x.shape != a.shape:
                raise ValueError(f"f expects an array of shape {a.shape}, got {x.shape}")
            return float(np.sum(a * np.sin(k * x + phi)))

    elif name == "conv_loss":
        w, t = p["w"], p["t"]

        def f(x):
            x = _values(x)
            expected = (t.shape[0] + w.shape[0] - 1, t.shape[1] + w.shape[1] - 1)
            if x.shape != expected:
                raise ValueError(f"f expects an array of shape {expected}, got {x.shape}")
            r = _corr2d(x, w) - t
            return float(0.5 * np.sum(r * r))

    elif name == "softplus":
        a, k = p["a"], p["k"]

        def f(x):
            x = _values(x)
            if x.shape != a.shape:
                raise ValueError(f"f expects an array of shape {a.shape}, got {x.shape}")
            return float(np.sum(a * np.logaddexp(0.0, k * x)))

    else:
        raise ValueError(f"unknown test function {name!r}")

    f.__name__ = f"f_{name}"
    f.__doc__ = DESCRIPTIONS.get(name, name)
    return f
