"""Per-student seeded test cases for each graded function: the inputs, nothing else.

`make_cases(function, rng, trials)` returns `trials` random cases drawn from `rng` (seeded per
student, assignment and test by checks.derive_seed) followed by fixed edge cases whose shapes are
the same for everyone (their values still come from `rng`).

Random cases break the symmetries a wrong answer could hide behind: N, C, F, KH, KW greater than 1
and all different, H != W, kernels that are not symmetric under any flip, stride smaller than the
kernel, padding above zero, batch above one. The value kind cycles through the trials so every
student gets each: float arrays, an integer x with a float kernel (integer truncation shows up in
the values), all-integer arrays, and Python lists. Edge cases: kernel as large as the input (one
output pixel), kernel of size 1, batch of 1, stride/padding combinations, the lecture's example.

Refusals: where a notebook asks for a ValueError (in its prose and visible tests), a few cases
whose right answer is exactly that (`expect_error="ValueError"`; the note says why, and the
feedback repeats it). Nothing is refused that the notebook does not ask to refuse, and the
engine gives all refusals of a function together a fixed small share of its points.

Tensors stay small (a few hundred elements) so a whole assignment runs in about a second; each
backward function has one "big" case that is checked with a random directional derivative.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .testfunctions import FunctionSpec


@dataclass
class Case:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    note: str = ""  # why this case exists, shown in its label: "kernel as large as the input"
    expect_error: str | None = None  # "ValueError": the check passes when exactly that is raised
    big: bool = False  # gradients: one random direction instead of every element


# The value kinds cycled through the random trials (trial t uses KINDS[t % len(KINDS)]).
KINDS = ("float", "int_x", "float", "int", "float", "list")


def refusal(args: tuple, why: str, **kwargs) -> Case:
    """A case the notebook asks the student to refuse with a ValueError; `why` reads after
    "expected ValueError because ...", e.g. "the kernel (2, 4) does not fit the input (3, 3)"."""
    return Case(args, kwargs, note=why, expect_error="ValueError")


# ----------------------------------------------------------------------------- values

def _floats(rng: np.random.Generator, shape) -> np.ndarray:
    """Readable floats in [-2, 2] with two decimals, never all zero."""
    a = np.round(rng.uniform(-2.0, 2.0, size=shape), 2)
    if a.size and not a.any():
        a.flat[0] = 1.25
    return a


def _ints(rng: np.random.Generator, shape) -> np.ndarray:
    """Small integers in [-3, 4] (int64), never all zero."""
    a = rng.integers(-3, 5, size=shape).astype(np.int64)
    if a.size and not a.any():
        a.flat[0] = 2
    return a


def _kernel(rng: np.random.Generator, shape, integer: bool = False) -> np.ndarray:
    """A kernel that differs from every flip of itself (so a flipped kernel shows), when its
    shape allows that at all (size > 1 along some axis)."""
    make = _ints if integer else _floats
    for _ in range(50):
        w = make(rng, shape)
        if _asymmetric(w):
            return w
    w = np.arange(1, int(np.prod(shape)) + 1, dtype=np.int64 if integer else np.float64)
    return w.reshape(shape)


def _asymmetric(w: np.ndarray) -> bool:
    """True if flipping any non-trivial subset of the axes changes w."""
    axes = [ax for ax in range(w.ndim) if w.shape[ax] > 1]
    if not axes:
        return True
    for mask in range(1, 2 ** len(axes)):
        flip_axes = tuple(ax for i, ax in enumerate(axes) if mask >> i & 1)
        if np.array_equal(np.flip(w, axis=flip_axes), w):
            return False
    return True


def _pair_of_values(rng, kind: str, x_shape, w_shape):
    """(x, w) of the requested value kind. w is always non-symmetric."""
    if kind == "int":
        return _ints(rng, x_shape), _kernel(rng, w_shape, integer=True)
    if kind == "int_x":  # integer input, float kernel: y = np.zeros_like(x) truncates
        return _ints(rng, x_shape), _kernel(rng, w_shape)
    x, w = _floats(rng, x_shape), _kernel(rng, w_shape)
    if kind == "list":
        return x.tolist(), w.tolist()
    return x, w


def _distinct(rng, low: int, high: int, count: int) -> list[int]:
    """`count` different integers in [low, high], in random order."""
    return [int(v) for v in rng.choice(np.arange(low, high + 1), size=count, replace=False)]


# ----------------------------------------------------------------------------- a1

def _a1_length(rng, trials: int) -> list[Case]:
    cases = []
    for _ in range(trials):
        k = int(rng.integers(2, 6))
        d = int(rng.integers(1, 4))
        s = int(rng.integers(1, 4))
        p = int(rng.integers(0, 3))
        span = d * (k - 1) + 1
        n = int(rng.integers(max(1, span - 2 * p), span + 15))
        cases.append(Case((n, k), dict(padding=p, stride=s, dilation=d)))
    cases += [
        Case((28, 3), note="the lecture's example, defaults only"),
        Case((7, 7), note="kernel as large as the input"),
        Case((6, 1), note="kernel of size 1"),
        Case((10, 3), dict(stride=3), note="stride that does not divide evenly"),
        Case((5, 3), dict(padding=1, stride=2), note="padding and stride"),
        Case((9, 3), dict(dilation=2), note="dilation"),
        Case((10, 3), dict(padding=2, stride=2, dilation=3), note="everything at once"),
        Case((3, 5), dict(padding=1), note="padding makes the kernel fit"),
        # the notebook: ValueError if n, k, stride or dilation < 1, padding < 0, or O < 1
        refusal((0, 3), "n = 0: there is no input (the padding alone would give O = 2)",
                padding=2),
        refusal((3, 5), "the kernel (5) is longer than the input (3)"),
        refusal((5, 3), "the kernel dilated by 3 reaches across 7 cells, the input has 5",
                dilation=3),
        refusal((8, 0), "k = 0: a kernel has at least one tap"),
        refusal((8, 3), "stride = 0: the kernel would never move", stride=0),
        refusal((8, 3), "padding = -1 is negative", padding=-1),
        refusal((8, 3), "dilation = 0: the taps must be at least 1 apart", dilation=0),
    ]
    return cases


def _a1_shape(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        ndim = (2, 3, 2, 1)[t % 4]
        ks = [int(v) for v in rng.integers(1, 5, size=ndim)]
        per_axis = t % 2 == 1  # tuples of per-axis settings every other trial
        if per_axis:
            pads = tuple(int(v) for v in rng.integers(0, 3, size=ndim))
            strides = tuple(int(v) for v in rng.integers(1, 4, size=ndim))
            dils = tuple(int(v) for v in rng.integers(1, 3, size=ndim))
        else:
            pads = int(rng.integers(0, 3))
            strides = int(rng.integers(1, 4))
            dils = int(rng.integers(1, 3))
        ns = []
        for axis, k in enumerate(ks):
            p = pads[axis] if per_axis else pads
            d = dils[axis] if per_axis else dils
            span = d * (k - 1) + 1
            ns.append(int(rng.integers(max(1, span - 2 * p), span + 12)))
        cases.append(Case((tuple(ns), tuple(ks)), dict(padding=pads, stride=strides,
                                                        dilation=dils)))
    cases += [
        Case(((28, 28), (3, 3)), note="the lecture's example"),
        Case(((5, 7), (5, 7)), note="kernel as large as the input"),
        Case(((6, 9), (2, 3)), dict(padding=(1, 0), stride=(2, 3)), note="per-axis tuples"),
        Case(((4, 6, 5), (1, 3, 2)), dict(stride=2), note="3-D, one stride for every axis"),
        Case(((10,), (3,)), dict(padding=1, stride=2, dilation=2), note="1-D"),
        # the notebook: ValueError on a rank mismatch (of kernel_shape or of a per-axis tuple)
        # and for everything conv_output_length refuses
        refusal(((5, 7), (3,)), "rank mismatch: 2 input sizes but 1 kernel size"),
        refusal(((5, 7, 4), (3, 3)), "rank mismatch: 3 input sizes but 2 kernel sizes"),
        refusal(((6, 8), (3, 3)), "stride has 3 entries for 2 axes", stride=(1, 2, 1)),
        refusal(((5, 2), (3, 3)), "the kernel (3, 3) does not fit the input (5, 2) along axis 1"),
    ]
    return cases


# ----------------------------------------------------------------------------- a2

def _corr_shapes(rng, ndim: int) -> tuple[tuple, tuple]:
    """Random input and kernel shapes: kernel sizes > 1 and different, input sizes different."""
    if ndim == 1:
        k = int(rng.integers(2, 6))
        return (k + int(rng.integers(2, 9)),), (k,)
    count = ndim
    while True:  # input sizes all different, and output sizes too (a transposed output shows)
        ks = _distinct(rng, 2, 4, count)
        extra = _distinct(rng, 1, 5 if ndim == 2 else 3, count)
        xs = tuple(k + e for k, e in zip(ks, extra))
        if len(set(xs)) == count:
            return xs, tuple(ks)


def _a2(ndim: int, lecture: list[Case], refusals: tuple = ()
        ) -> Callable[[np.random.Generator, int], list[Case]]:
    """Cases of a valid-mode correlation/convolution of `ndim` axes. `refusals` holds the
    (x shape, w shape) pairs of kernels that do not fit, only where the notebook asks for that
    ValueError (corr1d and corr2d; not corr3d or the convolutions)."""
    def make(rng, trials: int) -> list[Case]:
        cases = []
        for t in range(trials):
            xs, ws = _corr_shapes(rng, ndim)
            cases.append(Case(_pair_of_values(rng, KINDS[t % len(KINDS)], xs, ws)))
        full = {1: ((5,), (5,)), 2: ((3, 4), (3, 4)), 3: ((2, 3, 4), (2, 3, 4))}[ndim]
        one = {1: ((6,), (1,)), 2: ((4, 5), (1, 1)), 3: ((2, 3, 4), (1, 1, 1))}[ndim]
        cases.append(Case(_pair_of_values(rng, "float", *full), note="kernel as large as the input"))
        cases.append(Case(_pair_of_values(rng, "float", *one), note="kernel of size 1"))
        if ndim == 2:
            cases.append(Case(_pair_of_values(rng, "float", (3, 6), (1, 3)), note="a row kernel"))
            cases.append(Case(_pair_of_values(rng, "int_x", (6, 3), (3, 1)),
                              note="a column kernel, integer x"))
        if ndim == 3:
            cases.append(Case(_pair_of_values(rng, "int_x", (3, 4, 3), (2, 1, 3)),
                              note="integer x, float kernel"))
        cases += lecture
        for xs, ws in refusals:
            why = (f"the kernel (length {ws[0]}) is longer than the input (length {xs[0]})"
                   if ndim == 1 else f"the kernel {ws} does not fit the input {xs}")
            cases.append(refusal(_pair_of_values(rng, "float", xs, ws), why))
        return cases
    return make


_LECTURE_2D = [Case(([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]]),
                    note="the lecture's worked example")]
_NUMPY_1D = [Case(([1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 0.5]), note="np.convolve's example")]


# ----------------------------------------------------------------------------- a3

def _a3_multi_in(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        c = int(rng.integers(2, 5))
        (h, w), (kh, kw) = _corr_shapes(rng, 2)
        cases.append(Case(_pair_of_values(rng, KINDS[t % len(KINDS)], (c, h, w), (c, kh, kw))))
    cases += [
        Case(_pair_of_values(rng, "float", (1, 4, 5), (1, 2, 3)), note="a single channel"),
        Case(_pair_of_values(rng, "float", (3, 3, 4), (3, 3, 4)), note="kernel as large as the input"),
        Case(_pair_of_values(rng, "float", (3, 4, 5), (3, 1, 1)), note="1x1 kernel: a weighted sum of channels"),
    ]
    return cases + _channel_refusals(rng, [((3, 5, 5), (2, 3, 3)), ((2, 4, 5), (3, 2, 2))])


def _a3_multi_in_out(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        c, f = _distinct(rng, 2, 4, 2)
        (h, w), (kh, kw) = _corr_shapes(rng, 2)
        cases.append(Case(_pair_of_values(rng, KINDS[t % len(KINDS)], (c, h, w), (f, c, kh, kw))))
    cases += [
        Case(_pair_of_values(rng, "float", (3, 4, 5), (1, 3, 2, 3)), note="one output channel"),
        Case(_pair_of_values(rng, "float", (2, 3, 4), (4, 2, 3, 4)), note="kernel as large as the input"),
        Case(_pair_of_values(rng, "float", (3, 4, 5), (2, 3, 1, 1)), note="1x1 kernels"),
    ]
    return cases + _channel_refusals(rng, [((3, 5, 5), (2, 4, 3, 3)), ((4, 5, 6), (3, 2, 2, 2))])


def _channel_refusals(rng, shapes) -> list[Case]:
    """x (C, H, W) with a kernel w (..., C', KH, KW) whose channel count C' differs: the a3
    notebook asks corr2d_multi_in and corr2d_multi_in_out to raise ValueError for it."""
    return [refusal(_pair_of_values(rng, "float", xs, ws),
                    f"x {xs} has {xs[0]} channels but w {ws} has {ws[-3]}")
            for xs, ws in shapes]


def _input_for(rng, k: int, s: int, p: int) -> tuple[int, int]:
    """A random (input length, output length) pair along one axis of a layer with kernel size k,
    stride s and padding p, drawn output first: `out` windows at stride s end at (out - 1) * s + k
    in the padded input, and up to s - 1 positions after that are skipped by the stride."""
    out = int(rng.integers(1, 13))
    return (out - 1) * s + k - 2 * p + int(rng.integers(0, s)), out


def _layer_shapes(rng, stride_max: int = 2, pad_max: int = 2):
    """Random conv-layer shapes x (N, C, H, W), w (F, C, KH, KW) with N, C, F, KH, KW > 1 and all
    different, H != W, an int stride and padding (the notebooks promise ints, nothing else); and
    the output's spatial size (OH, OW).

    The output size is drawn first and the input made to fit it, never computed from the input:
    the output-size formula is a graded answer (a1), so the grader does not carry it."""
    n, c, f = _distinct(rng, 2, 4, 3)
    kh, kw = _distinct(rng, 2, 3, 2) if rng.random() < 0.5 else _distinct(rng, 2, 4, 2)
    s = int(rng.integers(1, stride_max + 1))
    p = int(rng.integers(0, pad_max + 1))
    fits = range(max(kh, kw) + 1, max(kh, kw) + 5)  # a little larger than the kernel
    while True:
        (h, oh), (w, ow) = _input_for(rng, kh, s, p), _input_for(rng, kw, s, p)
        if h in fits and w in fits and h != w:
            return (n, c, h, w), (f, c, kh, kw), s, p, (oh, ow)


def _layer_values(rng, kind: str, x_shape, w_shape):
    x, w = _pair_of_values(rng, kind, x_shape, w_shape)
    b = _floats(rng, (w_shape[0],)) if kind != "int" else _ints(rng, (w_shape[0],))
    if kind == "list":
        b = b.tolist()
    return x, w, b


def _layer_kwargs(s, p) -> dict:
    kwargs = {}
    if s != 1:
        kwargs["stride"] = s
    if p != 0:
        kwargs["padding"] = p
    return kwargs


_LAYER_EDGES = [
    # (note, x shape, w shape, stride, padding, output (OH, OW)); stride and padding are
    # ints, as the notebooks say. The output size is written out,
    # not computed (see _layer_shapes); tests/test_cases.py checks it against the reference.
    ("batch of 1, stride 1, no padding", (1, 3, 5, 6), (2, 3, 3, 2), 1, 0, (3, 5)),
    ("stride 2 smaller than the kernel, padding 1", (2, 2, 6, 7), (3, 2, 3, 3), 2, 1, (3, 4)),
    ("stride 3 larger than the kernel (some pixels never used)", (2, 3, 8, 7), (2, 3, 2, 2), 3, 0,
     (3, 2)),
    ("kernel as large as the padded input (one output pixel)", (2, 2, 3, 4), (3, 2, 5, 6), 1, 1,
     (1, 1)),
    ("1x1 kernel with stride 2", (3, 4, 5, 6), (2, 4, 1, 1), 2, 0, (3, 3)),
    ("integer x and w", (2, 2, 5, 4), (3, 2, 2, 3), 1, 1, (6, 4)),
]


_LAYER_REFUSALS = [
    # (why, x shape, w shape, b shape, stride, padding): the shape checks the a3 notebook lists
    ("x (3, 5, 5) is not 4D (N, C, H, W)", (3, 5, 5), (2, 3, 3, 3), (2,), 1, 0),
    ("w (3, 3, 3) is not 4D (F, C, KH, KW)", (1, 3, 5, 5), (3, 3, 3), (3,), 1, 0),
    ("x has 3 channels but w has 2", (1, 3, 5, 5), (2, 2, 3, 3), (2,), 1, 0),
    ("b has 3 entries for F = 2 kernels", (1, 3, 5, 5), (2, 3, 3, 3), (3,), 1, 0),
    ("the kernel (5, 7) does not fit the padded input (5, 6)", (2, 2, 3, 4), (3, 2, 5, 7), (3,), 1, 1),
    ("the kernel (5, 3) does not fit the input (4, 6)", (1, 2, 4, 6), (2, 2, 5, 3), (2,), 2, 0),
]


def _a3_forward(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        xs, ws, s, p, _ = _layer_shapes(rng)
        x, w, b = _layer_values(rng, KINDS[t % len(KINDS)], xs, ws)
        cases.append(Case((x, w, b), _layer_kwargs(s, p)))
    for note, xs, ws, s, p, _ in _LAYER_EDGES:
        kind = "int" if "integer" in note else "float"
        x, w, b = _layer_values(rng, kind, xs, ws)
        cases.append(Case((x, w, b), _layer_kwargs(s, p), note=note))
    for why, xs, ws, bs, s, p in _LAYER_REFUSALS:
        cases.append(refusal((_floats(rng, xs), _floats(rng, ws), _floats(rng, bs)), why,
                             **_layer_kwargs(s, p)))
    return cases


# ----------------------------------------------------------------------------- a4

def _a4_corr1d_backward(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        (length,), (k,) = _corr_shapes(rng, 1)
        kind = KINDS[t % len(KINDS)]
        x, w = _pair_of_values(rng, kind, (length,), (k,))
        dy = _floats(rng, (length - k + 1,))
        cases.append(Case((x, w, dy.tolist() if kind == "list" else dy)))
    for note, length, k in (("kernel of size 1", 6, 1), ("kernel as large as the input", 5, 5)):
        x, w = _pair_of_values(rng, "float", (length,), (k,))
        cases.append(Case((x, w, _floats(rng, (length - k + 1,))), note=note))
    x = rng.normal(size=400)
    w = rng.normal(size=9)
    cases.append(Case((x, w, rng.normal(size=392)), note="a big case", big=True))
    return cases


def _a4_conv2d_backward(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        xs, ws, s, p, out = _layer_shapes(rng)
        kind = KINDS[t % len(KINDS)]
        x, w, b = _layer_values(rng, kind, xs, ws)
        dout = _floats(rng, (xs[0], ws[0], *out))
        cases.append(Case((x, w, b, dout.tolist() if kind == "list" else dout),
                          _layer_kwargs(s, p)))
    for note, xs, ws, s, p, out in _LAYER_EDGES:
        kind = "int" if "integer" in note else "float"
        x, w, b = _layer_values(rng, kind, xs, ws)
        cases.append(Case((x, w, b, _floats(rng, (xs[0], ws[0], *out))),
                          _layer_kwargs(s, p), note=note))
    xs, ws, s, p, out = (3, 3, 14, 13), (4, 3, 3, 2), 2, 1, (7, 7)
    x, w, b = rng.normal(size=xs), rng.normal(size=ws), rng.normal(size=ws[0])
    cases.append(Case((x, w, b, rng.normal(size=(xs[0], ws[0], *out))),
                      dict(stride=s, padding=p), note="a big case", big=True))
    return cases


def _spec(rng, name: str, shape) -> FunctionSpec:
    """A random member of the FunctionSpec library for an x of `shape`."""
    size = int(np.prod(shape))
    if name == "quadratic":
        # A not symmetric, with a strong diagonal: a one-sided difference is off by h*A_ii/2
        A = np.round(rng.normal(size=(size, size)), 2) + 2.0 * np.eye(size)
        return FunctionSpec(name, {"A": A, "c": np.round(rng.normal(size=size), 2)})
    if name == "sines":
        a = rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape)
        return FunctionSpec(name, {"a": a, "k": rng.uniform(0.5, 2.0, size=shape),
                                   "phi": rng.uniform(0, 2 * np.pi, size=shape)})
    if name == "conv_loss":
        # 0.5 * ||corr2d(x, w) - t||^2 for a random kernel w, sent as the correlation's matrix M
        # (testfunctions.py): the student's process gets a matrix product, not a correlation
        kh, kw = 2, 3
        w = _kernel(rng, (kh, kw))
        t = _floats(rng, (shape[0] - kh + 1, shape[1] - kw + 1))
        M = np.zeros(t.shape + tuple(shape))
        for i, j in np.ndindex(t.shape):
            M[i, j, i:i + kh, j:j + kw] = w  # output (i, j) reads the window at (i, j)
        return FunctionSpec(name, {"M": M, "t": t})
    if name == "softplus":
        return FunctionSpec(name, {"a": rng.uniform(0.5, 2.0, size=shape),
                                   "k": rng.uniform(1.0, 3.0, size=shape)
                                   * rng.choice([-1.0, 1.0], size=shape)})
    raise ValueError(name)


COARSE_STEP = 0.25  # big enough that its central difference differs clearly from the gradient

_NG_PLAN = [  # (function, x shape, how h is passed)
    ("quadratic", (3, 4), None),
    ("sines", (7,), None),
    ("conv_loss", (4, 5), None),
    ("softplus", (2, 3, 2), ("kw", 1e-6)),
    ("quadratic", (5,), ("pos", 1e-4)),
    ("sines", (3, 2), ("kw", 1e-5)),
]


def _a4_numerical_gradient(rng, trials: int) -> list[Case]:
    cases = []
    for t in range(trials):
        name, shape, how = _NG_PLAN[t % len(_NG_PLAN)]
        x = np.round(rng.uniform(-1.5, 1.5, size=shape), 3)
        args, kwargs = (_spec(rng, name, shape), x), {}
        if how and how[0] == "pos":
            args = args + (how[1],)
        elif how:
            kwargs["h"] = how[1]
        cases.append(Case(args, kwargs))
    cases.append(Case((_spec(rng, "sines", (1,)), np.array([0.3])), note="a single element"))
    cases.append(Case((_spec(rng, "quadratic", (2, 3)), np.round(rng.uniform(-1, 1, (2, 3)), 3)),
                      dict(h=1e-3), note="a larger step h = 1e-3 (exact for a quadratic)"))
    # a coarse step: the answer is the central difference with THIS h (not the exact gradient),
    # so a function that ignores h and uses its own step is caught
    cases.append(Case((_spec(rng, "sines", (4,)), np.round(rng.uniform(-1.5, 1.5, 4), 3)),
                      dict(h=COARSE_STEP), note=f"a coarse step h = {COARSE_STEP}"))
    # x + h on an integer array is cut back to x: the classic all-zero gradient
    cases.append(Case((_spec(rng, "sines", (2, 3)), _ints(rng, (2, 3))), note="integer x"))
    cases.append(Case((_spec(rng, "softplus", (5,)), np.round(rng.uniform(-1, 1, 5), 3).tolist()),
                      note="x as a Python list"))
    return cases


# ----------------------------------------------------------------------------- table

GENERATORS: dict[str, Callable[[np.random.Generator, int], list[Case]]] = {
    "conv_output_length": _a1_length,
    "conv_output_shape": _a1_shape,
    "corr1d": _a2(1, [], refusals=[((3,), (5,))]),
    "corr2d": _a2(2, _LECTURE_2D, refusals=[((3, 3), (2, 4)), ((5, 3), (6, 2))]),
    "corr3d": _a2(3, []),
    "convolve1d": _a2(1, _NUMPY_1D),
    "convolve2d": _a2(2, []),
    "corr2d_multi_in": _a3_multi_in,
    "corr2d_multi_in_out": _a3_multi_in_out,
    "conv2d_forward": _a3_forward,
    "corr1d_backward": _a4_corr1d_backward,
    "conv2d_backward": _a4_conv2d_backward,
    "numerical_gradient": _a4_numerical_gradient,
}


def make_cases(function: str, rng: np.random.Generator, trials: int) -> list[Case]:
    """The cases for `function`: `trials` random ones, then the fixed edge cases."""
    try:
        generator = GENERATORS[function]
    except KeyError:
        raise ValueError(f"no test cases defined for {function!r}") from None
    return generator(rng, trials)
