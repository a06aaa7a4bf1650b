"""Scalar test functions f(x) for grading `numerical_gradient(f, x, h)`.

A case cannot send a Python function to the student's process, so it sends a FunctionSpec (a name
and a few float64 arrays) and the child rebuilds the function with `make_function`. This module is
loaded BY PATH inside the sandboxed child: it must stay pure numpy, with no imports from the
autograder package. The right answers are computed in the parent, by the reference.

Everything here is within the student's reach, so nothing here may compute a graded function:
"conv_loss" is a loss of a 2-D correlation, but the correlation arrives as its matrix M, built in
the parent (cases.py); here it is only a matrix product, and no kernel slides over anything.

Library (x may have any shape; xf = x.ravel() has n elements):
    "quadratic":  f = 0.5 * xf.A.xf + c.xf             params A: (n, n), c: (n,)
    "sines":      f = sum(a * sin(k * x + phi))         params a, k, phi: shaped like x
    "conv_loss":  f = 0.5 * sum((M.x - t)^2)            params M: (OH, OW, H, W), t: (OH, OW)
                  x: (H, W); (M.x)[i, j] = sum(M[i, j] * x). M[i, j] holds a kernel w placed at
                  (i, j) in a frame of zeros, so M.x is corr2d(x, w) for the w the parent drew
    "softplus":   f = sum(a * log(1 + exp(k * x)))      params a, k: shaped like x
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable  # noqa: UP035 - loaded in the sandbox: typing, not collections (test_gradcheck)

import numpy as np


def N_(msgid: str) -> str:
    """Mark a description for the grader's catalogue (autograder/i18n.py's N_; this module is
    loaded by path in the sandbox and imports nothing of the package): the parent says it in the
    course's language when it labels a case (checks.py)."""
    return msgid


DESCRIPTIONS = {  # formulas are the same in every language; only words are translated
    "quadratic": N_("f(x) = 0.5 x.A.x + c.x (A not symmetric)"),
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
        M, t = p["M"], p["t"]

        def f(x):
            x = _values(x)
            if x.shape != M.shape[2:]:
                raise ValueError(f"f expects an array of shape {M.shape[2:]}, got {x.shape}")
            r = np.tensordot(M, x, axes=2) - t
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
