"""Known mistakes as data: what the mistaken code would return, and how to say it in plain words.

Each Mistake names a graded function, the mistake, an explanation for the student, and a variant:
`variant(reference, *args, **kwargs)` computes what code with that mistake returns, by applying
the reference to a changed input (a flipped kernel, stride 1, no bias, an input one longer ...)
or by putting together pieces of reference outputs (with `=` instead of `+=` only the last
contribution to each element survives). When a check fails, `diagnose` runs the function's
variants on the failing case and, if the student's output matches one (within the grading
tolerance) while that variant differs from the right answer, the feedback names the mistake.
Nothing here reads the student's code.

Nothing here computes a graded function on its own either: every number comes from the reference
(solutions/<id>.py, in the trusted parent). This package is within a student's reach, so it
holds no working convolution, gradient or output-size formula, not even a mistaken copy of one
that a flag would turn into the right one.

`match` says what has to agree: "values" (default; shape and values), "shape" (the size is off by
exactly one along some of the mistake's `axes`, and the shape is not merely the right sizes in
another order: the values of such an output are anyone's guess), "integer" (an integer
array where float64 was expected: the values may have been truncated at any step) or "any" (a
value came back where a ValueError was the answer: whatever it is, the input was not refused;
the variant only says whether the mistake applies to the case). For tuple outputs (dx, dw, db)
each returned gradient is matched on its own, so a submission with two different mistakes in dx
and dw gets both named.

Some mistakes come in families (a kernel flipped along any subset of its axes; the input, the
kernel or the output transposed; full instead of valid mode; the sum over the wrong axis; a batch
averaged instead of summed): `_families()` generates every member with its own name and words,
so the feedback says which one it saw ("the kernel is flipped along axis 0 (rows) only").

Adding a mistake is one line in MISTAKES (and tests/test_diagnose.py checks its mutant is named).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .compare import matches
from .testfunctions import make_function


@dataclass(frozen=True)
class Mistake:
    function: str  # a graded function, or "*" for every function that returns arrays
    name: str  # short id: "kernel flipped"
    explanation: str  # plain words for the student
    variant: Callable  # (reference, *args, **kwargs) -> what the mistaken code returns
    match: str = "values"  # "values" | "shape" | "integer" | "any"
    on_invalid: bool = False  # explains a value returned where a ValueError was the answer
    axes: tuple[int, ...] = ()  # match="shape": the output axes the mistake changes (off by one)
    nouns: tuple[str, ...] = ()  # ... and what one step along each is: "row", "column"


def _a(v) -> np.ndarray:
    return np.asarray(v, dtype=np.float64)


def _same(r, *a, **k):
    """Placeholder variant for shape/integer matching: the right answer's shape."""
    return None


def _applies(r, *a, **k):
    """Variant of an "any" mistake that applies to every case."""
    return True


# ----------------------------------------------------------------------------- a1 formulas
#
# The right length is floor((n + 2p - d(k-1) - 1) / s) + 1. Each wrong formula below is the
# reference's conv_output_length (`right`) on changed settings: a missing "- 1" inside the floor
# counts the input one longer, ignoring the padding is padding 0, rounding up is floor division
# of a numerator s - 1 larger, and so on.


def _formula(r):
    """The reference's conv_output_length as a bare formula, which also answers where the kernel
    does not fit (a mistaken formula returns 0 or less there rather than refusing): the size
    drops by one for every s positions taken off the input, so lengthen the input by whole
    strides until the reference accepts it, then count them back."""
    def right(n, k, p=0, s=1, d=1):
        for strides in range(64):
            try:
                return r.conv_output_length(n + strides * s, k, p, s, d) - strides
            except ValueError:
                continue
        raise ValueError("the kernel does not fit")
    return right


def _per_axis(mistake):
    """A conv_output_length mistake made on every axis: a conv_output_shape variant."""
    def variant(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
        ndim = len(input_shape)
        if len(kernel_shape) != ndim:
            return None
        ex = [v if isinstance(v, (tuple, list)) else (v,) * ndim for v in (padding, stride, dilation)]
        return tuple(mistake(_formula(r), n, k, p, s, d) for n, k, p, s, d in
                     zip(input_shape, kernel_shape, *ex))
    return variant


_RIGHT_AXES = _per_axis(lambda right, n, k, p, s, d: right(n, k, p, s, d))


def _zip_shorter(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    """zip() stops at the shorter shape: a rank mismatch goes unnoticed, and the axes both shapes
    have get their sizes."""
    m = min(len(input_shape), len(kernel_shape))
    if len(input_shape) == len(kernel_shape):
        return None
    cut = [tuple(v)[:m] if isinstance(v, (tuple, list)) else v for v in (padding, stride, dilation)]
    return _RIGHT_AXES(r, tuple(input_shape)[:m], tuple(kernel_shape)[:m], *cut)


def _first_entry(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    """A per-axis tuple's first entry used for every axis."""
    if all(not isinstance(v, (tuple, list)) for v in (padding, stride, dilation)):
        return None
    first = [v[0] if isinstance(v, (tuple, list)) else v for v in (padding, stride, dilation)]
    return _RIGHT_AXES(r, input_shape, kernel_shape, *first)


_A1_FORMULAS = [  # (name, explanation, mistake(right, n, k, p, s, d))
    ("off by one", "the size is one too small: the formula ends with + 1 (the kernel's first "
     "position counts too): floor((n + 2p - d(k-1) - 1) / s) + 1",
     lambda right, n, k, p, s, d: right(n, k, p, s, d) - 1),
    ("off by one", "the size is one too large: check the - 1 in floor((n + 2p - d(k-1) - 1) / s) "
     "+ 1", lambda right, n, k, p, s, d: right(n, k, p, s, d) + 1),
    ("off by one", "the - 1 inside the floor is missing: floor((n + 2p - d(k-1) - 1) / s) + 1",
     lambda right, n, k, p, s, d: right(n + 1, k, p, s, d)),
    ("padding ignored", "the padding is ignored: zeros are added at both ends, so the input "
     "counts as n + 2*padding", lambda right, n, k, p, s, d: right(n, k, 0, s, d)),
    ("padding counted once", "the padding is counted once; it is added at BOTH ends: n + 2*padding",
     lambda right, n, k, p, s, d: right(n + p, k, 0, s, d)),
    ("stride ignored", "the stride is ignored: the kernel moves `stride` positions at a time, so "
     "divide by the stride (floor division) before adding 1",
     lambda right, n, k, p, s, d: right(n, k, p, 1, d)),
    ("dilation ignored", "the dilation is ignored: a kernel of size k with dilation d covers "
     "d*(k-1) + 1 input positions", lambda right, n, k, p, s, d: right(n, k, p, s, 1)),
    ("dilation as d*k", "the dilated kernel covers d*(k-1) + 1 positions, not d*k",
     lambda right, n, k, p, s, d: right(n - (d - 1), k, p, s, d)),  # spans d - 1 more
    ("ceil instead of floor", "the division is rounded up; a last partial step does not count, so "
     "round down (//)", lambda right, n, k, p, s, d: right(n + s - 1, k, p, s, d)),
    ("true division", "the result is a float from / ; use // (floor division) so the size is an "
     "int", lambda right, n, k, p, s, d: (right(n, k, p, 1, d) - 1) / s + 1),
]


def _a1_length_variant(mistake):
    def variant(r, n, k, padding=0, stride=1, dilation=1):
        return mistake(_formula(r), n, k, padding, stride, dilation)
    return variant


# ----------------------------------------------------------------------------- a2 helpers

def _flip(w, axes) -> np.ndarray:
    return np.flip(_a(w), axis=axes)


# ----------------------------------------------------------------------------- a3 helpers

def _per_channel(r, x, w):
    """corr2d_multi_in without the sum over channels: (C, OH, OW)."""
    x, w = _a(x), _a(w)
    return np.stack([r.corr2d_multi_in(x[c:c + 1], w[c:c + 1]) for c in range(x.shape[0])])


def _per_channel_out(r, x, w):
    """corr2d_multi_in_out without the sum over channels: (F, C, OH, OW)."""
    x, w = _a(x), _a(w)
    return np.stack([np.stack([r.corr2d_multi_in(x[c:c + 1], w[f, c:c + 1])
                               for c in range(x.shape[0])]) for f in range(w.shape[0])])


def _stride_not_used_in_window(r, x, w, b, stride=1, padding=0):
    """Output size computed with the stride, but windows taken at stride 1."""
    right = r.conv2d_forward(x, w, b, stride=stride, padding=padding)
    dense = r.conv2d_forward(x, w, b, stride=1, padding=padding)
    return dense[:, :, :right.shape[2], :right.shape[3]]


def _swap_stride_padding(r, x, w, b, stride=1, padding=0):
    if stride == padding or (isinstance(padding, int) and padding < 1):
        return None
    return r.conv2d_forward(x, w, b, stride=padding, padding=stride)


# ----------------------------------------------------------------------------- a4 helpers
#
# "= instead of +=" in a backward loop: every element keeps only the LAST contribution written to
# it. Each window position's contribution is the reference's gradient for a dout that is zero
# everywhere else, and the elements it writes are where a kernel of ones sends that dout.

def _one_hot(shape, index) -> np.ndarray:
    """Zeros of `shape` with a 1 at `index` (which may hold slices)."""
    e = np.zeros(shape)
    e[index] = 1.0
    return e


def _last_write_wins(shape, pieces) -> np.ndarray:
    """What a loop that writes each piece with `=` leaves behind. pieces: (written, values) in
    loop order; `written` marks the elements the piece writes."""
    out = np.zeros(shape)
    for written, values in pieces:
        out = np.where(written, values, out)
    return out


def _corr1d_backward_assign(r, x, w, dy, p_outer: bool):
    """corr1d_backward as loops over outputs i and taps p, with dx[i + p] = w[p] * dy[i] and
    dw[p] = x[i + p] * dy[i] (`=` instead of `+=`). dw[p] keeps the last output, i = O - 1.
    dx[j] keeps the last window over j when i is the outer loop; when p is, the largest p comes
    last, which is the FIRST window over j."""
    x, w, dy = _a(x), _a(w), _a(dy)
    ones = np.ones_like(w)

    def window(i):  # what output i writes into dx, and where
        e = _one_hot(dy.shape, i)
        return r.corr1d_backward(x, ones, e)[0] != 0, r.corr1d_backward(x, w, dy * e)[0]

    order = range(len(dy) - 1, -1, -1) if p_outer else range(len(dy))
    dx = _last_write_wins(x.shape, [window(i) for i in order])
    dw = r.corr1d_backward(x, w, dy * _one_hot(dy.shape, len(dy) - 1))[1]
    return dx, dw


def _conv2d_backward_assign(r, x, w, b, dout, stride=1, padding=0, per_filter: bool = True):
    """conv2d_backward as loops over output positions (i, j), with `=` instead of `+=`.

    per_filter=True (loops over n and f as well: dx[n, :, window] = w[f] * dout[n, f, i, j] and
    dw[f] = window * dout[n, f, i, j]): each pixel of dx keeps the LAST filter's share of the last
    window over it, and dw[f] the last sample's share of the last window.
    per_filter=False (n and f vectorised): dx keeps the whole last window over it, dw the last
    window, summed over samples. db is right either way (None: not this mistake's part)."""
    x, w, dout = _a(x), _a(w), _a(dout)
    N, F, OH, OW = dout.shape
    ones = np.ones_like(w)

    def grads(weights, upstream):
        return r.conv2d_backward(x, weights, b, upstream, stride=stride, padding=padding)

    def window(i, j):  # what position (i, j) writes into dx, and where
        at = _one_hot(dout.shape, (slice(None), slice(None), i, j))
        written = grads(ones, at)[0] != 0
        if per_filter:
            at[:, :F - 1] = 0  # the last filter writes last
        return written, grads(w, dout * at)[0]

    dx = _last_write_wins(x.shape, [window(i, j) for i, j in np.ndindex(OH, OW)])
    last = (N - 1 if per_filter else slice(None), slice(None), OH - 1, OW - 1)
    dw = grads(w, dout * _one_hot(dout.shape, last))[1]
    return dx, dw, None


def _stride_ignored_backward(r, x, w, b, dout, stride=1, padding=0):
    """Backward loops that send output (i, j)'s gradient to the window at (i, j) instead of
    (i*s, j*s): the reference at stride 1, with dout in the top-left corner of the stride-1
    output and zeros elsewhere (r._conv2d_forward gives that output's shape)."""
    dout = _a(dout)
    if stride == 1:  # stride and padding are ints, as the notebooks say
        return None
    dense = np.zeros(r._conv2d_forward(x, w, b, padding=padding).shape)
    dense[:, :, :dout.shape[2], :dout.shape[3]] = dout
    dx, dw, _ = r.conv2d_backward(x, w, b, dense, stride=1, padding=padding)
    return dx, dw, None


def _n_last(r, x, w, b, dout, stride=1, padding=0):
    """dw and db from the last sample only (= instead of += over the batch)."""
    x, dout = _a(x), _a(dout)
    _, dw, db = r.conv2d_backward(x[-1:], w, b, dout[-1:], stride=stride, padding=padding)
    return None, dw, db


def _dx_uncropped(r, x, w, b, dout, stride=1, padding=0):
    if padding == 0:
        return None
    xp = np.pad(_a(x), ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return r.conv2d_backward(xp, w, b, dout, stride=stride, padding=0)[0], None, None


# ----------------------------------------------------------------------------- numerical_gradient
#
# Every mistaken difference quotient is a central difference taken at another point, along
# another direction or with another step; the reference's numerical_gradient computes each.

def _slope(r, f, point, direction, h) -> float:
    """(f(point + h d) - f(point - h d)) / 2h: the reference's central difference of
    t -> f(point + t d) at t = 0."""
    return float(r.numerical_gradient(lambda t: f(point + t[0] * direction), np.zeros(1), h)[0])


def _element_by_element(x, slope_i) -> np.ndarray:
    """An array shaped like x whose element i is slope_i(i, e_i)."""
    return np.array([slope_i(i, _one_hot(x.shape, i)) for i in np.ndindex(x.shape)]).reshape(x.shape)


def _one_sided(r, spec, x, h, side: int):
    """(f(x + h e_i) - f(x)) / h (side +1) or (f(x) - f(x - h e_i)) / h (side -1): the central
    difference with step h/2, centred half a step to that side."""
    f, x = make_function(spec), _a(x)
    return _element_by_element(x, lambda i, e: _slope(r, f, x + side * h / 2 * e, e, h / 2))


def _all_at_once(r, spec, x, h=1e-5):
    """(f(x + h) - f(x - h)) / 2h in every element: the slope along (1, 1, ..., 1)."""
    f, x = make_function(spec), _a(x)
    return np.full(x.shape, _slope(r, f, x, np.ones(x.shape), h))


def _not_restored(r, spec, x, h=1e-5):
    """x[i] += h; f; x[i] -= 2h; f; and x[i] is never put back: element i is differentiated at
    the point where every earlier element was left h lower."""
    f, x = make_function(spec), _a(x)
    earlier = np.arange(x.size).reshape(x.shape)
    return _element_by_element(
        x, lambda i, e: _slope(r, f, x - h * (earlier < earlier[i]), e, h))


def _integer_x(r, spec, x, h=1e-5):
    """Central differences on an integer x kept integer: x[i] + h and x[i] - h are truncated
    toward zero when stored, so the two points are x + a e_i and x + b e_i with a, b whole
    numbers (0 or +-1), while the quotient still divides by 2h."""
    x = np.array(x)
    if x.dtype.kind not in "iub":
        return None
    f, xf = make_function(spec), _a(x)

    def quotient(i, e):
        a, b = np.trunc(xf[i] + h) - xf[i], np.trunc(xf[i] - h) - xf[i]
        if a == b:  # both points cut back to x: a difference of 0
            return 0.0
        centre, half = xf + (a + b) / 2 * e, (a - b) / 2
        return _slope(r, f, centre, e, half) * half / h

    return _element_by_element(xf, quotient)


# ----------------------------------------------------------------------------- families
#
# Where the spatial axes of a correlation sit: in x, in w and in its output, with their names.
# One layout per function drives the generated families below.

@dataclass(frozen=True)
class _Layout:
    x: tuple[int, ...]  # spatial axes of x
    w: tuple[int, ...]  # spatial axes of w
    out: tuple[int, ...]  # spatial axes of the output
    names: tuple[str, ...]  # their names, in order: ("rows", "columns")


_1D, _2D = ("",), ("rows", "columns")
_LAYOUTS = {
    "corr1d": _Layout((0,), (0,), (0,), _1D),
    "convolve1d": _Layout((0,), (0,), (0,), _1D),
    "corr2d": _Layout((0, 1), (0, 1), (0, 1), _2D),
    "convolve2d": _Layout((0, 1), (0, 1), (0, 1), _2D),
    "corr3d": _Layout((0, 1, 2), (0, 1, 2), (0, 1, 2), ("depth", "rows", "columns")),
    "corr2d_multi_in": _Layout((1, 2), (1, 2), (0, 1), _2D),  # x (C, H, W), w (C, KH, KW)
    "corr2d_multi_in_out": _Layout((1, 2), (2, 3), (1, 2), _2D),  # w (F, C, KH, KW)
    "conv2d_forward": _Layout((2, 3), (2, 3), (2, 3), _2D),  # x (N, C, H, W)
}
# Cross-correlations slide w as it is; true convolutions flip it along every axis.
_SLIDES_AS_IS = {
    "corr1d": "corr1d slides w as it is; only convolve1d flips it.",
    "corr2d": "corr2d slides w as it is; only convolve2d flips it.",
    "corr3d": "Cross-correlation slides w as it is.",
    "corr2d_multi_in": "Cross-correlation slides w as it is.",
    "corr2d_multi_in_out": "Cross-correlation slides w as it is.",
    "conv2d_forward": "A CNN's convolution layer is a cross-correlation: it slides w as it is.",
}


def _subsets(items) -> list[tuple]:
    """Every non-empty subset of `items`, smallest first."""
    return [c for size in range(1, len(items) + 1) for c in itertools.combinations(items, size)]


def _axis_words(axes, layout_axes, names) -> str:
    """'axis 0 (rows)' or 'axes 1 and 2 (rows, columns)': array axes with their names."""
    named = ", ".join(names[layout_axes.index(a)] for a in axes)
    numbers = " and ".join(", ".join(str(a) for a in axes).rsplit(", ", 1))
    return f"axis {numbers} ({named})" if len(axes) == 1 else f"axes {numbers} ({named})"


def _permuted(a, order) -> np.ndarray:
    """a with its axes sorted(order) taken in the order `order` (the other axes stay put):
    _permuted(x, (2, 1)) swaps the last two axes of a 3-D x."""
    a = _a(a)
    axes = list(range(a.ndim))
    for position, axis in zip(sorted(order), order):
        axes[position] = axis
    return np.transpose(a, axes)


def _on(function, x=None, w=None, out=None):
    """A variant: the reference's `function` with x and/or w changed first, its output after."""
    def variant(r, x_, w_, *rest, **kwargs):
        y = getattr(r, function)(x(x_) if x else x_, w(w_) if w else w_, *rest, **kwargs)
        return out(y) if out else y
    return variant


def _flips(function) -> list[Mistake]:
    """The kernel flipped along every non-empty subset of its spatial axes. For a
    cross-correlation every flip is a mistake; a true convolution must flip along every axis,
    so flipping w along S before the reference's flip leaves it flipped along the other axes."""
    layout = _LAYOUTS[function]
    convolution = function.startswith("convolve")
    every = f"w[{', '.join(['::-1'] * len(layout.w))}]"
    out = []
    # the fewest axes flipped first: where a flip changes nothing (an axis of size 1), the
    # simplest of the equal explanations is the one said (see find)
    for axes in sorted(_subsets(layout.w), key=len, reverse=convolution):
        variant = _on(function, w=lambda w, axes=axes: _flip(w, axes))
        flipped = tuple(a for a in layout.w if a not in axes) if convolution else axes
        if convolution and not flipped:
            name, words = "kernel not flipped", (
                f"the kernel is not flipped. {function} is true convolution: "
                + ("reverse w (w[::-1])" if len(layout.w) == 1 else
                   f"rotate w by 180 degrees ({every})")
                + f" before sliding it, otherwise it is corr{function[-2:]}.")
        elif convolution:
            name = f"kernel flipped along {_axis_words(flipped, layout.w, layout.names)} only"
            words = (f"the kernel is flipped along {_axis_words(flipped, layout.w, layout.names)} "
                     f"only: true convolution flips it along every axis ({every}).")
        elif len(axes) == len(layout.w):
            name, words = "kernel flipped", f"the kernel is flipped. {_SLIDES_AS_IS[function]}"
        else:
            where = _axis_words(axes, layout.w, layout.names)
            name = f"kernel flipped along {where} only"
            words = f"the kernel is flipped along {where} only. {_SLIDES_AS_IS[function]}"
        out.append(Mistake(function, name, words, variant))
    return out


def _transposes(function) -> list[Mistake]:
    """The input, the kernel or the output with its spatial axes in another order: for 2-D
    axes, transposed; for 3-D, every other order of (depth, rows, columns)."""
    layout = _LAYOUTS[function]
    out = []
    for what, where in (("input", "x"), ("kernel", "w"), ("output", "out")):
        axes = getattr(layout, where)
        for order in itertools.permutations(axes):
            if order == axes:
                continue
            change = (lambda a, order=order: _permuted(a, order))
            if len(axes) == 2:
                var = {"input": "x", "kernel": "w", "output": "y"}[what]
                swapped = f"{var}.T" if axes == (0, 1) else f"np.swapaxes({var}, {axes[0]}, {axes[1]})"
                name = f"{what} transposed"
                words = (f"the {what} is transposed (rows and columns swapped): "
                         + (f"the result is {swapped} for the right y; row i of y holds the windows "
                            "that start in row i of x." if what == "output" else
                            f"{var} is used as if it were {swapped}."))
            else:
                names = ", ".join(layout.names[axes.index(a)] for a in order)
                name = f"{what} axes in the order ({names})"
                words = (f"the {what}'s axes are taken in the order ({names}); they are "
                         f"({', '.join(layout.names)}).")
            out.append(Mistake(function, name, words, _on(function, **{where: change})))
    return out


def _full_mode(function) -> Mistake:
    """'full' instead of 'valid': x padded with K - 1 zeros on both sides of each spatial axis,
    so the kernel also visits the positions where it hangs over the edges."""
    layout = _LAYOUTS[function]

    def variant(r, x, w):
        x, w = _a(x), _a(w)
        pad = [(0, 0)] * x.ndim
        for xa, wa in zip(layout.x, layout.w):
            pad[xa] = (w.shape[wa] - 1, w.shape[wa] - 1)
        return getattr(r, function)(np.pad(x, pad), w)
    return Mistake(function, "full mode", "this is 'full' mode: the kernel also visits the "
                   "positions where it hangs over the edges, so an axis of length H gives "
                   "H + K - 1 outputs. Valid mode keeps only the positions where the kernel fits "
                   "completely: H - K + 1.", variant)


def _terms(r, function, x, w, b=None, stride=1, padding=0) -> np.ndarray:
    """The per-input-channel terms, before the sum over the channels: corr2d_multi_in
    (C, OH, OW), corr2d_multi_in_out (F, C, OH, OW), conv2d_forward (N, F, C, OH, OW) without
    the bias (axes named in _TERM_AXES)."""
    x, w = _a(x), _a(w)
    if function == "corr2d_multi_in":
        return _per_channel(r, x, w)
    if function == "corr2d_multi_in_out":
        return _per_channel_out(r, x, w)
    zero = np.zeros(w.shape[0])
    return np.stack([r.conv2d_forward(x[:, c:c + 1], w[:, c:c + 1], zero, stride=stride,
                                      padding=padding) for c in range(x.shape[1])], axis=2)


_TERM_AXES = {  # the axes of _terms
    "corr2d_multi_in": ("channels", "rows", "columns"),
    "corr2d_multi_in_out": ("filters", "channels", "rows", "columns"),
    "conv2d_forward": ("batch", "filters", "channels", "rows", "columns"),
}


def _wrong_axis_sums(function) -> list[Mistake]:
    """The per-channel terms summed over another axis than the input channels (the bias, in
    conv2d_forward, added to output channel f as long as that axis is still there)."""
    names = _TERM_AXES[function]
    right = names.index("channels")
    out = []
    for axis, name in enumerate(names):
        if axis == right:
            continue

        def variant(r, x, w, *rest, axis=axis, **kwargs):
            y = _terms(r, function, x, w, *rest, **kwargs).sum(axis=axis)
            if function == "conv2d_forward" and "filters" != names[axis]:
                f_axis = names.index("filters") - (axis < names.index("filters"))
                shape = [1] * y.ndim
                shape[f_axis] = -1
                y = y + _a(rest[0]).reshape(shape)
            return y
        out.append(Mistake(function, f"summed over the {name}",
                           f"the sum runs over axis {axis} ({name}) of the per-channel terms "
                           f"({', '.join(names)}) instead of axis {right} (channels): correlate "
                           "each input channel with its kernel slice and ADD the channels.",
                           variant))
    return out


_DOUT_AXES = ("batch", "filters", "rows", "columns")


def _db_sums() -> list[Mistake]:
    """db = dout summed over any set of axes but the right one, (0, 2, 3)."""
    out = []
    for axes in _subsets(range(4)):
        if axes == (0, 2, 3):
            continue
        where = _axis_words(axes, (0, 1, 2, 3), _DOUT_AXES)
        if axes == (2, 3):
            name, words = "db not summed over the batch", "db is not summed over the batch: "
        elif axes == (0,):
            name, words = "db not summed over space", "db is not summed over the pixels: "
        else:
            name, words = f"db summed over {where}", f"db is dout summed over {where}: "
        out.append(Mistake("conv2d_backward", name, words + "db[f] = dout[:, f].sum(), over "
                           "samples AND pixels (axes 0, 2, 3), shape (F,).",
                           lambda r, x, w, b, dout, axes=axes, **k:
                               (None, None, _a(dout).sum(axis=axes))))
    return out


def _averages() -> list[Mistake]:
    """dw and db averaged instead of summed: over the batch, the output pixels, or both."""
    out = []
    for over, count in (("the batch", lambda n, oh, ow: n),
                        ("the pixels", lambda n, oh, ow: oh * ow),
                        ("the batch and the pixels", lambda n, oh, ow: n * oh * ow)):
        for part in ("dw", "db"):
            def variant(r, x, w, b, dout, part=part, count=count, **k):
                n, _, oh, ow = _a(dout).shape
                grads = dict(zip(("dx", "dw", "db"), r.conv2d_backward(x, w, b, dout, **k)))
                return tuple(g / count(n, oh, ow) if name == part else None
                             for name, g in grads.items())
            name = f"{part} averaged" + ("" if over == "the batch" else f" over {over}")
            out.append(Mistake("conv2d_backward", name, f"{part} is averaged over {over}; the "
                               "gradient of the summed loss is the plain sum: every sample and "
                               "every output pixel adds its share.", variant))
    return out


def _dx_flips() -> list[Mistake]:
    """dx = full convolution of dout with w: a correlation with w rotated by 180 degrees. Any
    other flip of w in it (the reference run with w flipped along S) is a mistake."""
    out = []
    layout = _LAYOUTS["conv2d_forward"]
    for axes in sorted(_subsets(layout.w), key=len, reverse=True):  # the fewest flipped first
        flipped = tuple(a for a in layout.w if a not in axes)
        variant = (lambda r, x, w, b, dout, axes=axes, **k:
                   (r.conv2d_backward(x, _flip(w, axes), b, dout, **k)[0], None, None))
        if not flipped:
            out.append(Mistake("conv2d_backward", "kernel not flipped in dx", "dx uses the kernels "
                               "the wrong way round: dx is a FULL convolution of dout with w (w "
                               "rotated by 180 degrees when written as a correlation).", variant))
        else:
            where = _axis_words(flipped, layout.w, layout.names)
            out.append(Mistake("conv2d_backward", f"kernel flipped along {where} only in dx",
                               f"dx uses the kernels flipped along {where} only: dx is a FULL "
                               "convolution of dout with w, a correlation with w rotated by 180 "
                               "degrees (w[:, :, ::-1, ::-1]).", variant))
    return out


def _gradient_transposes() -> list[Mistake]:
    """dx or dw of conv2d_backward with its rows and columns swapped."""
    return [Mistake("conv2d_backward", f"{part} transposed", f"{part} is transposed (rows and "
                    f"columns swapped): {part}[..., p, q] belongs to row p, column q of "
                    f"{'x' if part == 'dx' else 'w'}.",
                    lambda r, *a, part=part, **k: tuple(
                        np.swapaxes(g, 2, 3) if name == part else None
                        for name, g in zip(("dx", "dw", "db"), r.conv2d_backward(*a, **k))))
            for part in ("dx", "dw")]


# ----------------------------------------------------------------------------- the table

_INT = ("integer truncation", "the output is an integer array, so every value stored in it is cut "
        "to a whole number (np.zeros_like(x) copies the integer dtype of an integer x). Create the "
        "output as float64, e.g. np.zeros(shape) or np.zeros_like(x, dtype=float).")
# {off} becomes "one row short", "one row and one column too long" ... (off_by_one_words)
_OFF = ("off by one", "the output is {off}. In valid mode a kernel of size K fits at H - K + 1 "
        "positions along an axis of length H (range(H - K + 1) in a loop).")
_OFF_LAYER = ("off by one", "the output is {off}: OH = (H + 2*padding - KH) // stride + 1, and "
              "the same for OW.")
_NOUNS = {"": "value", "rows": "row", "columns": "column", "depth": "depth slice"}

_REFUSE = ("Raise ValueError when n, k, stride or dilation is below 1, padding is negative, or "
           "the result is below 1 (the kernel does not fit).")
_INVALID = "invalid input is not refused: the formula's value came back. " + _REFUSE
_NOT_REFUSED = "invalid input is not refused: a value came back where ValueError was the answer. " \
    + _REFUSE

MISTAKES: list[Mistake] = [
    # --- a1: sizes
    *[Mistake("conv_output_length", n, e, _a1_length_variant(m)) for n, e, m in _A1_FORMULAS],
    *[Mistake("conv_output_shape", n, e, _per_axis(m)) for n, e, m in _A1_FORMULAS],
    Mistake("conv_output_shape", "rank mismatch not detected", "input_shape and kernel_shape have "
            "different lengths but no ValueError was raised (zip() silently stops at the shorter "
            "one): compare len(input_shape) with len(kernel_shape) first", _zip_shorter,
            on_invalid=True),
    Mistake("conv_output_length", "invalid input accepted", _INVALID,
            _a1_length_variant(lambda right, n, k, p, s, d: right(n, k, p, s, d)), on_invalid=True),
    Mistake("conv_output_shape", "invalid input accepted", _INVALID, _RIGHT_AXES, on_invalid=True),
    Mistake("conv_output_length", "invalid input not refused", _NOT_REFUSED, _applies,
            match="any", on_invalid=True),
    Mistake("conv_output_shape", "invalid input not refused", _NOT_REFUSED, _applies,
            match="any", on_invalid=True),
    Mistake("conv_output_shape", "first entry for every axis", "a per-axis tuple was applied as if "
            "its first entry held for every axis: use padding[i], stride[i], dilation[i] for axis i",
            _first_entry),
    # --- a2, a3: the families of every correlation (flips, transposes, full mode, off by one)
    *[m for f in _LAYOUTS for m in _flips(f) + _transposes(f)],
    *[_full_mode(f) for f in _LAYOUTS if f != "conv2d_forward"],
    *[Mistake(f, *_OFF, _same, match="shape", axes=_LAYOUTS[f].out,
              nouns=tuple(_NOUNS[n] for n in _LAYOUTS[f].names)) for f in _LAYOUTS
      if f != "conv2d_forward"],
    *[m for f in _TERM_AXES for m in _wrong_axis_sums(f)],
    # --- a3: channels
    Mistake("corr2d_multi_in", "channels not summed", "the channels are not summed: each input "
            "channel is correlated with its kernel channel, and the C results are ADDED into one "
            "(OH, OW) map.", _per_channel),
    Mistake("corr2d_multi_in", "only the first channel", "only the first channel is used: "
            "correlate every channel c (x[c] with w[c]) and add the results.",
            lambda r, x, w: r.corr2d_multi_in(_a(x)[:1], _a(w)[:1])),
    Mistake("corr2d_multi_in", "channels overwritten", "only the last channel counts: the sum "
            "over channels was overwritten with = instead of accumulated with +=.",
            lambda r, x, w: r.corr2d_multi_in(_a(x)[-1:], _a(w)[-1:])),
    Mistake("corr2d_multi_in", "channels averaged", "the channels are averaged; they must be "
            "summed.", lambda r, x, w: r.corr2d_multi_in(x, w) / _a(x).shape[0]),
    Mistake("corr2d_multi_in", "same kernel for every channel", "every channel is correlated "
            "with w[0]; channel c needs its own kernel slice w[c].",
            lambda r, x, w: r.corr2d_multi_in(x, np.broadcast_to(_a(w)[:1], _a(w).shape))),
    Mistake("corr2d_multi_in_out", "channels not summed", "the input channels are not summed: "
            "for each kernel f, add the C per-channel correlations into one (OH, OW) map.",
            _per_channel_out),
    Mistake("corr2d_multi_in_out", "only the first channel", "only the first input channel is "
            "used: every kernel w[f] has C channel slices, all of which count.",
            lambda r, x, w: r.corr2d_multi_in_out(_a(x)[:1], _a(w)[:, :1])),
    Mistake("corr2d_multi_in_out", "channels overwritten", "only the last input channel counts: "
            "the sum over channels was overwritten with = instead of +=.",
            lambda r, x, w: r.corr2d_multi_in_out(_a(x)[-1:], _a(w)[:, -1:])),
    Mistake("corr2d_multi_in_out", "output channels last", "the output channels are on the last "
            "axis; the result is (F, OH, OW), one map per kernel, stacked on axis 0.",
            lambda r, x, w: np.moveaxis(r.corr2d_multi_in_out(x, w), 0, -1)),
    Mistake("conv2d_forward", "bias missing", "the bias is missing: add b[f] to every pixel of "
            "output channel f.", lambda r, x, w, b, **k: r.conv2d_forward(x, w, 0 * _a(b), **k)),
    Mistake("conv2d_forward", "bias added per input channel", "the bias is added once per input "
            "channel (inside the channel loop); add b[f] once per output pixel.",
            lambda r, x, w, b, **k: r.conv2d_forward(x, w, _a(x).shape[1] * _a(b), **k)),
    Mistake("conv2d_forward", "bias added per kernel element", "the bias is added once per kernel "
            "element (inside the loop over the window); add b[f] once per output pixel.",
            lambda r, x, w, b, **k: r.conv2d_forward(x, w, np.prod(_a(w).shape[1:]) * _a(b), **k)),
    Mistake("conv2d_forward", "bias of the first channel", "every output channel gets b[0]; "
            "output channel f gets its own bias b[f].",
            lambda r, x, w, b, **k: r.conv2d_forward(x, w, np.full_like(_a(b), _a(b)[0]), **k)),
    Mistake("conv2d_forward", "stride ignored", "the stride is ignored: with stride s the window "
            "moves s pixels at a time, so output pixel (i, j) reads x[..., i*s : i*s+KH, j*s : "
            "j*s+KW].", lambda r, x, w, b, stride=1, padding=0: r.conv2d_forward(
                x, w, b, stride=1, padding=padding)),
    Mistake("conv2d_forward", "stride ignored", "the stride is used for the output size but not "
            "when sliding the window: output pixel (i, j) reads x[..., i*s : i*s+KH, j*s : "
            "j*s+KW].", _stride_not_used_in_window),
    Mistake("conv2d_forward", "padding ignored", "the padding is ignored: pad the two spatial axes "
            "of x with zeros first, np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))).",
            lambda r, x, w, b, stride=1, padding=0: r.conv2d_forward(x, w, b, stride=stride)),
    Mistake("conv2d_forward", "stride and padding swapped", "stride and padding are swapped: the "
            "signature is conv2d_forward(x, w, b, stride=1, padding=0).", _swap_stride_padding),
    Mistake("conv2d_forward", "only the first channel", "only the first input channel is used; "
            "sum over all C channels.",
            lambda r, x, w, b, **k: r.conv2d_forward(_a(x)[:, :1], _a(w)[:, :1], b, **k)),
    Mistake("conv2d_forward", "first sample for the whole batch", "every sample of the batch got "
            "the output of the first one: loop over n and use x[n].",
            lambda r, x, w, b, **k: np.repeat(r.conv2d_forward(_a(x)[:1], w, b, **k),
                                              _a(x).shape[0], axis=0)),
    Mistake("conv2d_forward", *_OFF_LAYER, _same, match="shape", axes=(2, 3),
            nouns=("row", "column")),
    # --- a4: gradients
    Mistake("corr1d_backward", "dx and dw swapped", "dx and dw are swapped: return (dx, dw), with "
            "dx shaped like x and dw shaped like w.",
            lambda r, x, w, dy: tuple(reversed(r.corr1d_backward(x, w, dy)))),
    Mistake("corr1d_backward", "= instead of +=", "the gradient is overwritten with = instead of "
            "accumulated with +=: an input element is used by several outputs, and each of them "
            "adds its share.", lambda r, x, w, dy: _corr1d_backward_assign(r, x, w, dy, False)),
    Mistake("corr1d_backward", "= instead of +=", "the gradient is overwritten with = instead of "
            "accumulated with +=: an input element is used by several outputs, and each of them "
            "adds its share.", lambda r, x, w, dy: _corr1d_backward_assign(r, x, w, dy, True)),
    Mistake("corr1d_backward", "kernel not flipped in dx", "dx uses the kernel the wrong way round:"
            " dx[j] = sum_i dy[i] w[j - i] is a FULL convolution of dy with w (w flipped when "
            "you write it as a correlation).",
            lambda r, x, w, dy: (r.corr1d_backward(x, _flip(w, 0), dy)[0], None)),
    Mistake("corr1d_backward", "dw reversed", "dw is reversed: dw[p] = sum_i dy[i] x[i + p].",
            lambda r, x, w, dy: (None, r.corr1d_backward(x, w, dy)[1][::-1])),
    Mistake("conv2d_backward", "dx and dw swapped", "dx and dw are swapped: return (dx, dw, db) "
            "with dx shaped like x and dw shaped like w.",
            lambda r, x, w, b, dout, **k: (lambda g: (g[1], g[0], g[2]))(
                r.conv2d_backward(x, w, b, dout, **k))),
    Mistake("conv2d_backward", "= instead of +=", "the gradient is overwritten with = instead of "
            "accumulated with +=: windows overlap and every sample and filter adds its share, so "
            "only the last one survived.",
            lambda r, *a, **k: _conv2d_backward_assign(r, *a, **k, per_filter=True)),
    Mistake("conv2d_backward", "= instead of +=", "the gradient is overwritten with = instead of "
            "accumulated with +=: windows overlap, so only the last window position survived.",
            lambda r, *a, **k: _conv2d_backward_assign(r, *a, **k, per_filter=False)),
    Mistake("conv2d_backward", "= instead of += over the batch", "only the last sample of the "
            "batch contributes: dw and db sum over all N samples (+=, not =).", _n_last),
    *_db_sums(),
    *_averages(),
    Mistake("conv2d_backward", "padding not removed from dx", "dx still has the padding: compute "
            "the gradient of the padded input, then cut the padding off, dxp[:, :, p:p+H, p:p+W].",
            _dx_uncropped),
    Mistake("conv2d_backward", "stride ignored", "the stride is ignored in the backward pass: "
            "output pixel (i, j) came from the window at (i*s, j*s), so its gradient goes back "
            "there.", _stride_ignored_backward),
    *_dx_flips(),
    *_gradient_transposes(),
    Mistake("numerical_gradient", "one-sided difference", "this is a one-sided difference "
            "(f(x + h) - f(x)) / h; use the central difference (f(x + h e_i) - f(x - h e_i)) / "
            "(2h), whose error is about h^2 instead of h.",
            lambda r, f, x, h=1e-5: _one_sided(r, f, x, h, +1)),
    Mistake("numerical_gradient", "one-sided difference", "this is a one-sided difference "
            "(f(x) - f(x - h)) / h; use the central difference (f(x + h e_i) - f(x - h e_i)) / "
            "(2h).", lambda r, f, x, h=1e-5: _one_sided(r, f, x, h, -1)),
    Mistake("numerical_gradient", "h ignored", "the step h you were given was ignored (your "
            "result is the central difference with another step): use the h argument.",
            lambda r, f, x, h=1e-5: r.numerical_gradient(make_function(f), x)),  # default h
    Mistake("numerical_gradient", "divided by h", "the central difference is divided by h; the "
            "two points are 2h apart, so divide by 2h.",
            lambda r, f, x, h=1e-5: 2 * r.numerical_gradient(make_function(f), x, h)),
    Mistake("numerical_gradient", "all elements at once", "all elements were moved at once (x + h)"
            "; move one element at a time: x + h * e_i, where e_i is zero except at element i.",
            _all_at_once),
    Mistake("numerical_gradient", "x mutated", "x is changed in place and not put back: after "
            "x[i] += h and x[i] -= 2*h, element i stays at x[i] - h, so later elements are "
            "differentiated at the wrong point. Work on a copy (x.copy()) or restore x[i].",
            _not_restored),
    Mistake("numerical_gradient", "integer x", "x is an integer array, so x[i] + h is cut back "
            "to x[i] and every difference is 0: work on a float copy, x = np.array(x, "
            "dtype=float).", _integer_x),
    # --- every function that returns float arrays
    Mistake("*", *_INT, _same, match="integer"),
]

ARRAY_FUNCTIONS = frozenset({
    "corr1d", "corr2d", "corr3d", "convolve1d", "convolve2d", "corr2d_multi_in",
    "corr2d_multi_in_out", "conv2d_forward", "corr1d_backward", "conv2d_backward",
    "numerical_gradient"})


def mistakes_for(function: str) -> list[Mistake]:
    wildcard = function in ARRAY_FUNCTIONS
    return [m for m in MISTAKES if m.function == function or (m.function == "*" and wildcard)]


def _one(mistake: Mistake, variant, expected, got, rtol: float, atol: float) -> bool:
    """Does `got` look like this mistake's output (and unlike the right answer)?"""
    if mistake.match == "any":  # a value came back where the answer was an error
        return expected is None and variant is True
    if mistake.match == "integer":
        return (isinstance(got, np.ndarray) and got.dtype.kind in "iub"
                and isinstance(expected, np.ndarray) and expected.dtype.kind == "f")
    if mistake.match == "shape":  # off by exactly one along the axes that differ, all its own
        if not (isinstance(got, np.ndarray) and isinstance(expected, np.ndarray)):
            return False
        if got.ndim != expected.ndim or sorted(got.shape) == sorted(expected.shape):
            return False  # another rank, the right shape, or the right sizes in another order
        differ = [axis for axis, (g, e) in enumerate(zip(got.shape, expected.shape)) if g != e]
        return all(axis in mistake.axes and abs(got.shape[axis] - expected.shape[axis]) == 1
                   for axis in differ)
    if variant is None:
        return False
    if expected is not None and matches(variant, expected, rtol, atol):
        return False  # on this case the mistake makes no difference: it cannot explain anything
    return matches(variant, got, rtol, atol)


MAX_PER_PART = 2  # more guesses than that would not help anyone


def find(function: str, reference, args: tuple, kwargs: dict, expected, got,
         rtol: float, atol: float, part_names: tuple[str, ...] | None = None,
         ) -> list[tuple[str | None, Mistake]]:
    """The known mistakes that explain `got`, as (part name or None, Mistake), first match first.
    `expected` is the right answer (None when the right answer is an exception). For tuple
    outputs give `part_names` ("dx", "dw", "db"): each part is matched on its own."""
    found: list[tuple[str | None, Mistake]] = []
    seen: set[tuple[str | None, str]] = set()
    outputs: dict[str | None, list] = {}  # what the mistakes found so far return, per part

    def add(part, mistake, value):
        """Keep the first mistake per name, and per output array: where two mistakes give the
        same array on this case (a flip along an axis of size 1 changes nothing), the case cannot
        tell them apart, and the first (the simplest: families go from small to large) says it.
        Sizes (a1) coincide too often to drop either: both are said."""
        if (part, mistake.name) in seen:
            return
        if isinstance(value, np.ndarray) and any(matches(v, value, rtol, atol)
                                                 for v in outputs.get(part, [])):
            return
        seen.add((part, mistake.name))
        outputs.setdefault(part, []).append(value)
        found.append((part, mistake))

    candidates = mistakes_for(function)
    if expected is None:  # the answer was an error: the first (most specific) explanation is
        # enough: "not refused, the formula's value", then a wrong formula (which also says why
        # it was not refused), and only then "some value came back"
        candidates = sorted(candidates, key=lambda m: (m.match == "any", not m.on_invalid))
    else:
        candidates = [m for m in candidates if not m.on_invalid]
    for mistake in candidates:
        if expected is None and found:
            break
        variant = None
        if mistake.match in ("values", "any"):
            try:
                with np.errstate(all="ignore"):
                    variant = mistake.variant(reference, *args, **kwargs)
            except Exception:  # noqa: BLE001 - a variant that does not apply to this case
                continue
            if variant is None:
                continue
        values = mistake.match == "values"
        if part_names is None:
            if _one(mistake, variant, expected, got, rtol, atol):
                add(None, mistake, variant if values else None)
            continue
        if not isinstance(got, (tuple, list)) or len(got) != len(part_names):
            continue
        for i, name in enumerate(part_names):
            v = None
            if isinstance(variant, tuple) and len(variant) == len(part_names):
                v = variant[i]
            if mistake.match == "values" and v is None:
                continue
            e = expected[i] if expected is not None else None
            if _one(mistake, v, e, got[i], rtol, atol):
                add(name, mistake, v if values else None)
    return found


def off_by_one_words(mistake: Mistake, expected_shape, got_shape) -> str:
    """How an off-by-one output is off: "one row short", "one row and one column too long",
    "one row short and one column too long"."""
    short, long = [], []
    for axis, noun in zip(mistake.axes, mistake.nouns):
        step = got_shape[axis] - expected_shape[axis]
        if step:
            (short if step < 0 else long).append(f"one {noun}")
    said = ([" and ".join(short) + " short"] if short else []) + \
        ([" and ".join(long) + " too long"] if long else [])
    return " and ".join(said)


def diagnose(function: str, reference, args: tuple, kwargs: dict, expected, got,
             rtol: float, atol: float, part_names: tuple[str, ...] | None = None) -> list[str]:
    """Feedback lines naming the known mistakes that explain `got`, e.g.
    ["likely mistake: the kernel is flipped. corr2d slides w as it is; ..."]."""
    lines, per_part = [], {}
    for part, mistake in find(function, reference, args, kwargs, expected, got, rtol, atol,
                              part_names):
        n = per_part[part] = per_part.get(part, 0) + 1
        if n > MAX_PER_PART:
            continue
        lead = "likely mistake" if n == 1 else "or"
        explanation = mistake.explanation
        if mistake.match == "shape":  # only single arrays: part is None
            explanation = explanation.format(off=off_by_one_words(mistake, expected.shape,
                                                                  got.shape))
        lines.append(f"{part + ': ' if part else ''}{lead}: {explanation}")
    return lines
