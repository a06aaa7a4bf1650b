"""Assignment 2: cross-correlation and true convolution in 1D, 2D and 3D.

Cross-correlation slides the kernel over the input as it is and sums the products; true
convolution flips the kernel first (along every axis). In valid mode the kernel visits only the
positions where it fits completely, so an axis of length H gives H - K + 1 outputs:

    corr2d:     y[i, j] = sum_{p, q} w[p, q] x[i + p, j + q]
    convolve2d: y[i, j] = sum_{p, q} w[KH-1-p, KW-1-q] x[i + p, j + q]   (= corr2d(x, w[::-1, ::-1]))

The lecture's worked example: [[0,1,2],[3,4,5],[6,7,8]] with kernel [[0,1],[2,3]] gives
[[19,25],[37,43]]. Every function here returns a float64 array ("array").
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..cases import KINDS, Case, corr_shapes, pair_of_values, refusal
from ..diagnose import ONE_D, TWO_D, Layout, correlation_family
from ..i18n import Message
from .entry import DemoStudent, GradedFunction, Param

ASSIGNMENT = "a2_correlation"

# ----------------------------------------------------------------------------- cases

def _correlation_cases(ndim: int, lecture: list[Case], refusals: Sequence[tuple] = ()
        ) -> Callable[[np.random.Generator, int], list[Case]]:
    """Cases of a valid-mode correlation/convolution of `ndim` axes. `refusals` holds the
    (x shape, w shape) pairs of kernels that do not fit, only where the notebook asks for that
    ValueError (corr1d and corr2d; not corr3d or the convolutions)."""
    def make(rng, trials: int) -> list[Case]:
        cases = []
        for t in range(trials):
            xs, ws = corr_shapes(rng, ndim)
            cases.append(Case(pair_of_values(rng, KINDS[t % len(KINDS)], xs, ws)))
        full = {1: ((5,), (5,)), 2: ((3, 4), (3, 4)), 3: ((2, 3, 4), (2, 3, 4))}[ndim]
        one = {1: ((6,), (1,)), 2: ((4, 5), (1, 1)), 3: ((2, 3, 4), (1, 1, 1))}[ndim]
        cases.append(Case(pair_of_values(rng, "float", *full),
                          note=Message("kernel as large as the input")))
        cases.append(Case(pair_of_values(rng, "float", *one), note=Message("kernel of size 1")))
        if ndim == 2:
            cases.append(Case(pair_of_values(rng, "float", (3, 6), (1, 3)),
                              note=Message("a row kernel")))
            cases.append(Case(pair_of_values(rng, "int_x", (6, 3), (3, 1)),
                              note=Message("a column kernel, integer x")))
        if ndim == 3:
            cases.append(Case(pair_of_values(rng, "int_x", (3, 4, 3), (2, 1, 3)),
                              note=Message("integer x, float kernel")))
        cases += lecture
        for xs, ws in refusals:
            why = (Message("the kernel (length {kernel_length}) is longer than the input "
                           "(length {input_length})", kernel_length=ws[0], input_length=xs[0])
                   if ndim == 1 else Message("the kernel {kernel_shape} does not fit the input "
                                             "{input_shape}", kernel_shape=ws, input_shape=xs))
            cases.append(refusal(pair_of_values(rng, "float", xs, ws), why))
        return cases
    return make


_LECTURE_2D = [Case(([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]]),
                    note=Message("the lecture's worked example"))]
_NUMPY_1D = [Case(([1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 0.5]),
                  note=Message("np.convolve's example"))]


# ----------------------------------------------------------------------------- where the axes sit

_1D = Layout((0,), (0,), (0,), ONE_D)
_2D = Layout((0, 1), (0, 1), (0, 1), TWO_D)
_3D = Layout((0, 1, 2), (0, 1, 2), (0, 1, 2), ("depth", "rows", "columns"))


# ----------------------------------------------------------------------------- the entries

FUNCTIONS = (
    GradedFunction(
        name="corr1d",
        assignment=ASSIGNMENT,
        summary="valid 1-D cross-correlation: y[i] = sum_p w[p] x[i + p]",
        params=(Param("x", "(L,)"), Param("w", "(K,)")),
        returns="(L - K + 1,) float64",
        kind="array",
        points=2,
        cases=_correlation_cases(1, [], refusals=[((3,), (5,))]),
        mistakes=tuple(correlation_family(
            "corr1d", _1D, slides_as_is=Message(
                "corr1d slides w as it is; only convolve1d flips it."))),
    ),
    GradedFunction(
        name="corr2d",
        assignment=ASSIGNMENT,
        summary="valid 2-D cross-correlation: y[i, j] = sum_{p, q} w[p, q] x[i + p, j + q]",
        params=(Param("x", "(H, W)"), Param("w", "(KH, KW)")),
        returns="(H - KH + 1, W - KW + 1) float64",
        kind="array",
        points=3,
        cases=_correlation_cases(2, _LECTURE_2D, refusals=[((3, 3), (2, 4)), ((5, 3), (6, 2))]),
        mistakes=tuple(correlation_family(
            "corr2d", _2D, slides_as_is=Message(
                "corr2d slides w as it is; only convolve2d flips it."))),
        demo=(DemoStudent("ben", "kernel flipped in corr2d", '''
def corr2d(x, w):
    # flips the kernel: that is convolution, not cross-correlation
    return _first_try(x, np.asarray(w)[::-1, ::-1])
'''),),
    ),
    GradedFunction(
        name="corr3d",
        assignment=ASSIGNMENT,
        summary="valid 3-D cross-correlation over (depth, rows, columns)",
        params=(Param("x", "(D, H, W)"), Param("w", "(KD, KH, KW)")),
        returns="(D - KD + 1, H - KH + 1, W - KW + 1) float64",
        kind="array",
        points=2,
        cases=_correlation_cases(3, []),
        mistakes=tuple(correlation_family("corr3d", _3D)),
    ),
    GradedFunction(
        name="convolve1d",
        assignment=ASSIGNMENT,
        summary="valid 1-D true convolution: the kernel reversed, then slid; equals "
                "np.convolve(x, w, 'valid')",
        params=(Param("x", "(L,)"), Param("w", "(K,)")),
        returns="(L - K + 1,) float64",
        kind="array",
        points=1,
        cases=_correlation_cases(1, _NUMPY_1D),
        mistakes=tuple(correlation_family("convolve1d", _1D, convolution=True)),
        demo=(DemoStudent("cy", "convolve1d does not flip the kernel", '''
def convolve1d(x, w):
    # "convolution" without the flip is just cross-correlation
    return _first_try(x, np.asarray(w)[::-1])
'''),),
    ),
    GradedFunction(
        name="convolve2d",
        assignment=ASSIGNMENT,
        summary="valid 2-D true convolution: the kernel rotated by 180 degrees, then slid; equals "
                "scipy.signal.convolve2d(x, w, 'valid')",
        params=(Param("x", "(H, W)"), Param("w", "(KH, KW)")),
        returns="(H - KH + 1, W - KW + 1) float64",
        kind="array",
        points=2,
        cases=_correlation_cases(2, []),
        mistakes=tuple(correlation_family("convolve2d", _2D, convolution=True)),
    ),
)
