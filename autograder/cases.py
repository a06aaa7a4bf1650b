"""The toolkit of test cases: what a case is, and readable random values and shapes.

Each graded function's own case generator lives in its registry entry (autograder/registry/);
`make_cases(function, rng, trials)` asks the entry. Generators return `trials` random cases drawn
from `rng` (seeded per student, assignment and test by checks.derive_seed) followed by fixed edge
cases whose shapes are the same for everyone (their values still come from `rng`).

Random cases break the symmetries a wrong answer could hide behind: N, C, F, KH, KW greater than 1
and all different, H != W, kernels that are not symmetric under any flip, stride smaller than the
kernel, padding above zero, batch above one. The value kind cycles through the trials so every
student gets each (KINDS): float arrays, an integer x with a float kernel (integer truncation shows
up in the values), all-integer arrays, and Python lists. Edge cases: kernel as large as the input
(one output pixel), kernel of size 1, batch of 1, stride/padding combinations, the lecture's
example.

Refusals: where a notebook asks for a ValueError (in its prose and visible tests), a few cases
whose right answer is exactly that (`refusal(...)`: `expect_error="ValueError"`; the note says why,
and the feedback repeats it). Nothing is refused that the notebook does not ask to refuse, and the
engine gives all refusals of a function together a fixed small share of its points.

Tensors stay small (a few hundred elements) so a whole assignment runs in about a second; each
backward function has one "big" case that is checked with a random directional derivative.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .i18n import N_, Message


@dataclass
class Case:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    # why this case exists, shown in its label: "kernel as large as the input"; a Message, or a
    # str said through the catalogue (marked with N_ where it is written), see diagnose.lazy
    note: str | Message = ""
    expect_error: str | None = None  # "ValueError": the check passes when exactly that is raised
    big: bool = False  # gradients: one random direction instead of every element


# The value kinds cycled through the random trials (trial t uses KINDS[t % len(KINDS)]).
KINDS = ("float", "int_x", "float", "int", "float", "list")


def refusal(args: tuple, why: str | Message, **kwargs) -> Case:
    """A case the notebook asks the student to refuse with a ValueError; `why` reads after
    "expected ValueError because ...", e.g. "the kernel (2, 4) does not fit the input (3, 3)"
    (a Message, or a str said through the catalogue: Korean puts it in parentheses, "이유: ...",
    so a noun phrase reads best there: "커널 (2, 4)이(가) 입력 (3, 3)에 맞지 않음")."""
    return Case(args, kwargs, note=why, expect_error="ValueError")


# ----------------------------------------------------------------------------- values

def floats(rng: np.random.Generator, shape) -> np.ndarray:
    """Readable floats in [-2, 2] with two decimals, never all zero."""
    a = np.round(rng.uniform(-2.0, 2.0, size=shape), 2)
    if a.size and not a.any():
        a.flat[0] = 1.25
    return a


def ints(rng: np.random.Generator, shape) -> np.ndarray:
    """Small integers in [-3, 4] (int64), never all zero."""
    a = rng.integers(-3, 5, size=shape).astype(np.int64)
    if a.size and not a.any():
        a.flat[0] = 2
    return a


def kernel(rng: np.random.Generator, shape, integer: bool = False) -> np.ndarray:
    """A kernel that differs from every flip of itself (so a flipped kernel shows), when its
    shape allows that at all (size > 1 along some axis)."""
    make = ints if integer else floats
    for _ in range(50):
        w = make(rng, shape)
        if asymmetric(w):
            return w
    w = np.arange(1, int(np.prod(shape)) + 1, dtype=np.int64 if integer else np.float64)
    return w.reshape(shape)


def asymmetric(w: np.ndarray) -> bool:
    """True if flipping any non-trivial subset of the axes changes w."""
    axes = [ax for ax in range(w.ndim) if w.shape[ax] > 1]
    if not axes:
        return True
    for mask in range(1, 2 ** len(axes)):
        flip_axes = tuple(ax for i, ax in enumerate(axes) if mask >> i & 1)
        if np.array_equal(np.flip(w, axis=flip_axes), w):
            return False
    return True


def pair_of_values(rng, kind: str, x_shape, w_shape):
    """(x, w) of the requested value kind. w is always non-symmetric."""
    if kind == "int":
        return ints(rng, x_shape), kernel(rng, w_shape, integer=True)
    if kind == "int_x":  # integer input, float kernel: y = np.zeros_like(x) truncates
        return ints(rng, x_shape), kernel(rng, w_shape)
    x, w = floats(rng, x_shape), kernel(rng, w_shape)
    if kind == "list":
        return x.tolist(), w.tolist()
    return x, w


def distinct(rng, low: int, high: int, count: int) -> list[int]:
    """`count` different integers in [low, high], in random order."""
    return [int(v) for v in rng.choice(np.arange(low, high + 1), size=count, replace=False)]


# ----------------------------------------------------------------------------- shapes

def corr_shapes(rng, ndim: int) -> tuple[tuple, tuple]:
    """Random input and kernel shapes: kernel sizes > 1 and different, input sizes different."""
    if ndim == 1:
        k = int(rng.integers(2, 6))
        return (k + int(rng.integers(2, 9)),), (k,)
    count = ndim
    while True:  # input sizes all different, and output sizes too (a transposed output shows)
        ks = distinct(rng, 2, 4, count)
        extra = distinct(rng, 1, 5 if ndim == 2 else 3, count)
        xs = tuple(k + e for k, e in zip(ks, extra))
        if len(set(xs)) == count:
            return xs, tuple(ks)


# ----------------------------------------------------------------------------- conv layers (a3, a4, a5)

def input_for(rng, k: int, s: int, p: int) -> tuple[int, int]:
    """A random (input length, output length) pair along one axis of a layer with kernel size k,
    stride s and padding p, drawn output first: `out` windows at stride s end at (out - 1) * s + k
    in the padded input, and up to s - 1 positions after that are skipped by the stride."""
    out = int(rng.integers(1, 13))
    return (out - 1) * s + k - 2 * p + int(rng.integers(0, s)), out


def layer_shapes(rng, stride_max: int = 2, pad_max: int = 2):
    """Random conv-layer shapes x (N, C, H, W), w (F, C, KH, KW) with N, C, F, KH, KW > 1 and all
    different, H != W, an int stride and padding (the notebooks promise ints, nothing else); and
    the output's spatial size (OH, OW).

    The output size is drawn first and the input made to fit it, never computed from the input:
    the output-size formula is a graded answer (a1), so the grader does not carry it."""
    n, c, f = distinct(rng, 2, 4, 3)
    kh, kw = distinct(rng, 2, 3, 2) if rng.random() < 0.5 else distinct(rng, 2, 4, 2)
    s = int(rng.integers(1, stride_max + 1))
    p = int(rng.integers(0, pad_max + 1))
    fits = range(max(kh, kw) + 1, max(kh, kw) + 5)  # a little larger than the kernel
    while True:
        (h, oh), (w, ow) = input_for(rng, kh, s, p), input_for(rng, kw, s, p)
        if h in fits and w in fits and h != w:
            return (n, c, h, w), (f, c, kh, kw), s, p, (oh, ow)


def layer_values(rng, kind: str, x_shape, w_shape):
    """(x, w, b) of a conv layer, of the value kind `kind` (b is (F,))."""
    x, w = pair_of_values(rng, kind, x_shape, w_shape)
    b = floats(rng, (w_shape[0],)) if kind != "int" else ints(rng, (w_shape[0],))
    if kind == "list":
        b = b.tolist()
    return x, w, b


def layer_kwargs(s, p) -> dict:
    """stride and padding as keyword arguments, left out at their defaults (as students call)."""
    kwargs = {}
    if s != 1:
        kwargs["stride"] = s
    if p != 0:
        kwargs["padding"] = p
    return kwargs


class LayerEdge(NamedTuple):
    """A fixed conv-layer case. Stride and padding are ints, as the notebooks say. The output size
    is written out, not computed (see layer_shapes); tests/test_cases.py checks it against the
    reference."""

    note: str  # an English id marked with N_: said through the catalogue (diagnose.lazy)
    x_shape: tuple[int, int, int, int]  # (N, C, H, W)
    w_shape: tuple[int, int, int, int]  # (F, C, KH, KW)
    stride: int
    padding: int
    out: tuple[int, int]  # (OH, OW)
    kind: str = "float"  # a value kind of KINDS


# The notes and reasons below are English ids marked with N_ (plain str, so the registry may
# compare and edit them); the label and the feedback say them through the catalogue.
LAYER_EDGES = [
    LayerEdge(N_("batch of 1, stride 1, no padding"), (1, 3, 5, 6), (2, 3, 3, 2), 1, 0, (3, 5)),
    LayerEdge(N_("stride 2 smaller than the kernel, padding 1"), (2, 2, 6, 7), (3, 2, 3, 3), 2, 1,
              (3, 4)),
    LayerEdge(N_("stride 3 larger than the kernel (some pixels never used)"), (2, 3, 8, 7),
              (2, 3, 2, 2), 3, 0, (3, 2)),
    LayerEdge(N_("kernel as large as the padded input (one output pixel)"), (2, 2, 3, 4),
              (3, 2, 5, 6), 1, 1, (1, 1)),
    LayerEdge(N_("1x1 kernel with stride 2"), (3, 4, 5, 6), (2, 4, 1, 1), 2, 0, (3, 3)),
    LayerEdge(N_("integer x and w"), (2, 2, 5, 4), (3, 2, 2, 3), 1, 1, (6, 4), kind="int"),
]


# (why, x shape, w shape, b shape, stride, padding): the bias check, asked by the a3 notebook only
BIAS_REFUSAL = (N_("b has 3 entries for F = 2 kernels"), (1, 3, 5, 5), (2, 3, 3, 3), (3,), 1, 0)
LAYER_REFUSALS = [
    # (why, x shape, w shape, b shape, stride, padding): the shape checks the a3 notebook lists
    (N_("x (3, 5, 5) is not 4D (N, C, H, W)"), (3, 5, 5), (2, 3, 3, 3), (2,), 1, 0),
    (N_("w (3, 3, 3) is not 4D (F, C, KH, KW)"), (1, 3, 5, 5), (3, 3, 3), (3,), 1, 0),
    (N_("x has 3 channels but w has 2"), (1, 3, 5, 5), (2, 2, 3, 3), (2,), 1, 0),
    BIAS_REFUSAL,
    (N_("the kernel (5, 7) does not fit the padded input (5, 6)"), (2, 2, 3, 4), (3, 2, 5, 7),
     (3,), 1, 1),
    (N_("the kernel (5, 3) does not fit the input (4, 6)"), (1, 2, 4, 6), (2, 2, 5, 3), (2,), 2,
     0),
]


def layer_cases(rng, trials: int, refusals=LAYER_REFUSALS) -> list[Case]:
    """Cases of a conv layer f(x, w, b, stride, padding): `trials` random layers (value kinds
    cycling), LAYER_EDGES, then `refusals` (only the ValueErrors its notebook asks for)."""
    cases = []
    for t in range(trials):
        xs, ws, s, p, _ = layer_shapes(rng)
        x, w, b = layer_values(rng, KINDS[t % len(KINDS)], xs, ws)
        cases.append(Case((x, w, b), layer_kwargs(s, p)))
    for edge in LAYER_EDGES:
        x, w, b = layer_values(rng, edge.kind, edge.x_shape, edge.w_shape)
        cases.append(Case((x, w, b), layer_kwargs(edge.stride, edge.padding), note=edge.note))
    for why, xs, ws, bs, s, p in refusals:
        cases.append(refusal((floats(rng, xs), floats(rng, ws), floats(rng, bs)), why,
                             **layer_kwargs(s, p)))
    return cases


# ----------------------------------------------------------------------------- lookup

def make_cases(function: str, rng: np.random.Generator, trials: int) -> list[Case]:
    """The cases for `function` (its registry entry's generator): `trials` random ones, then the
    fixed edge cases."""
    from .registry import graded  # the entries import this toolkit

    return graded(function).cases(rng, trials)
