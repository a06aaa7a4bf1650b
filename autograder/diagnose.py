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
one along some axis: the values of such an output are anyone's guess), "integer" (an integer
array where float64 was expected: the values may have been truncated at any step) or "any" (a
value came back where a ValueError was the answer: whatever it is, the input was not refused;
the variant only says whether the mistake applies to the case). For tuple outputs (dx, dw, db)
each returned gradient is matched on its own, so a submission with two different mistakes in dx
and dw gets both named.

Adding a mistake is one line in MISTAKES (and tests/test_diagnose.py checks its mutant is named).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .compare import matches
from .testfunctions import make_function
from .shapes import pair


@dataclass(frozen=True)
class Mistake:
    function: str  # a graded function, or "*" for every function that returns arrays
    name: str  # short id: "kernel flipped"
    explanation: str  # plain words for the student
    variant: Callable  # (reference, *args, **kwargs) -> what the mistaken code returns
    match: str = "values"  # "values" | "shape" | "integer" | "any"
    on_invalid: bool = False  # explains a value returned where a ValueError was the answer


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
    if pair(stride) == (1, 1):
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
    (ph, pw) = pair(padding)
    if ph == pw == 0:
        return None
    xp = np.pad(_a(x), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
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


# ----------------------------------------------------------------------------- the table

_INT = ("integer truncation", "the output is an integer array, so every value stored in it is cut "
        "to a whole number (np.zeros_like(x) copies the integer dtype of an integer x). Create the "
        "output as float64, e.g. np.zeros(shape) or np.zeros_like(x, dtype=float).")
_OFF = ("off by one", "the output is one row/column short or too long. In valid mode a kernel of "
        "size K fits at H - K + 1 positions along an axis of length H (range(H - K + 1) in a loop).")
_OFF_LAYER = ("off by one", "the output size is off by one: OH = (H + 2*padding - KH) // stride "
              "+ 1, and the same for OW.")

_REFUSE = ("Raise ValueError when k, stride or dilation is below 1, padding is negative, or the "
           "result is below 1 (the kernel does not fit).")
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
    # --- a2: correlation and convolution
    Mistake("corr1d", "kernel flipped", "the kernel is flipped. corr1d slides w as it is; only "
            "convolve1d flips it.", lambda r, x, w: r.corr1d(x, _flip(w, 0))),
    Mistake("corr2d", "kernel flipped", "the kernel is flipped. corr2d slides w as it is; only "
            "convolve2d flips it.", lambda r, x, w: r.corr2d(x, _flip(w, (0, 1)))),
    Mistake("corr2d", "kernel flipped along one axis", "the kernel is flipped along one axis "
            "(rows or columns). corr2d slides w as it is.", lambda r, x, w: r.corr2d(x, _flip(w, 0))),
    Mistake("corr2d", "kernel flipped along one axis", "the kernel is flipped along one axis "
            "(rows or columns). corr2d slides w as it is.", lambda r, x, w: r.corr2d(x, _flip(w, 1))),
    Mistake("corr3d", "kernel flipped", "the kernel is flipped. Cross-correlation slides w as it "
            "is.", lambda r, x, w: r.corr3d(x, _flip(w, (0, 1, 2)))),
    Mistake("convolve1d", "kernel not flipped", "the kernel is not flipped. convolve1d is true "
            "convolution: reverse w (w[::-1]) before sliding it, otherwise it is corr1d.",
            lambda r, x, w: r.convolve1d(x, _flip(w, 0))),
    Mistake("convolve2d", "kernel not flipped", "the kernel is not flipped. convolve2d is true "
            "convolution: rotate w by 180 degrees (w[::-1, ::-1]) before sliding it, otherwise it "
            "is corr2d.", lambda r, x, w: r.convolve2d(x, _flip(w, (0, 1)))),
    Mistake("convolve2d", "kernel flipped along one axis only", "the kernel is flipped along one "
            "axis only: true convolution flips BOTH axes (w[::-1, ::-1]).",
            lambda r, x, w: r.convolve2d(x, _flip(w, 0))),
    Mistake("convolve2d", "kernel flipped along one axis only", "the kernel is flipped along one "
            "axis only: true convolution flips BOTH axes (w[::-1, ::-1]).",
            lambda r, x, w: r.convolve2d(x, _flip(w, 1))),
    *[Mistake(f, *_OFF, _same, match="shape") for f in
      ("corr1d", "corr2d", "corr3d", "convolve1d", "convolve2d", "corr2d_multi_in",
       "corr2d_multi_in_out")],
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
    Mistake("corr2d_multi_in", "kernel flipped", "the kernel is flipped. Cross-correlation slides "
            "w as it is.", lambda r, x, w: r.corr2d_multi_in(x, _flip(w, (1, 2)))),
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
    Mistake("corr2d_multi_in_out", "kernel flipped", "the kernel is flipped. Cross-correlation "
            "slides w as it is.", lambda r, x, w: r.corr2d_multi_in_out(x, _flip(w, (2, 3)))),
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
    Mistake("conv2d_forward", "kernel flipped", "the kernel is flipped; a CNN's convolution layer "
            "is a cross-correlation: it slides w as it is.",
            lambda r, x, w, b, **k: r.conv2d_forward(x, _flip(w, (2, 3)), b, **k)),
    Mistake("conv2d_forward", "only the first channel", "only the first input channel is used; "
            "sum over all C channels.",
            lambda r, x, w, b, **k: r.conv2d_forward(_a(x)[:, :1], _a(w)[:, :1], b, **k)),
    Mistake("conv2d_forward", "first sample for the whole batch", "every sample of the batch got "
            "the output of the first one: loop over n and use x[n].",
            lambda r, x, w, b, **k: np.repeat(r.conv2d_forward(_a(x)[:1], w, b, **k),
                                              _a(x).shape[0], axis=0)),
    Mistake("conv2d_forward", *_OFF_LAYER, _same, match="shape"),
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
    Mistake("conv2d_backward", "db not summed over the batch", "db is not summed over the batch: "
            "db[f] = dout[:, f].sum(), over samples AND pixels, shape (F,).",
            lambda r, x, w, b, dout, **k: (None, None, _a(dout).sum(axis=(2, 3)))),
    Mistake("conv2d_backward", "db not summed over space", "db is not summed over the pixels: "
            "db[f] = dout[:, f].sum(), over samples AND pixels, shape (F,).",
            lambda r, x, w, b, dout, **k: (None, None, _a(dout).sum(axis=0))),
    Mistake("conv2d_backward", "db averaged", "db is averaged over the batch; the bias is added "
            "to every sample, so its gradient is the plain sum.",
            lambda r, x, w, b, dout, **k: (None, None, _a(dout).sum(axis=(0, 2, 3))
                                           / _a(dout).shape[0])),
    Mistake("conv2d_backward", "dw averaged", "dw is averaged over the batch; the gradient of "
            "the summed loss is the plain sum over samples.",
            lambda r, x, w, b, dout, **k: (None, r.conv2d_backward(x, w, b, dout, **k)[1]
                                           / _a(x).shape[0], None)),
    Mistake("conv2d_backward", "padding not removed from dx", "dx still has the padding: compute "
            "the gradient of the padded input, then cut the padding off, dxp[:, :, p:p+H, p:p+W].",
            _dx_uncropped),
    Mistake("conv2d_backward", "stride ignored", "the stride is ignored in the backward pass: "
            "output pixel (i, j) came from the window at (i*s, j*s), so its gradient goes back "
            "there.", _stride_ignored_backward),
    Mistake("conv2d_backward", "kernel not flipped in dx", "dx uses the kernels the wrong way "
            "round: dx is a FULL convolution of dout with w (w rotated by 180 degrees when "
            "written as a correlation).",
            lambda r, x, w, b, dout, **k: (r.conv2d_backward(x, _flip(w, (2, 3)), b, dout, **k)[0],
                                           None, None)),
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
    if mistake.match == "shape":
        if not (isinstance(got, np.ndarray) and isinstance(expected, np.ndarray)):
            return False
        if got.ndim != expected.ndim or got.shape == expected.shape:
            return False
        return all(abs(g - e) <= 1 for g, e in zip(got.shape, expected.shape))
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

    def add(part, mistake):
        if (part, mistake.name) not in seen:
            seen.add((part, mistake.name))
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
        if part_names is None:
            if _one(mistake, variant, expected, got, rtol, atol):
                add(None, mistake)
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
                add(name, mistake)
    return found


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
        lines.append(f"{part + ': ' if part else ''}{lead}: {mistake.explanation}")
    return lines
