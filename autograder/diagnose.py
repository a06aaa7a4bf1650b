"""Known mistakes as data: what the mistaken code would return, and how to say it in plain words.

Each Mistake names a graded function, the mistake, an explanation for the student, and a variant:
`variant(reference, *args, **kwargs)` computes what code with that mistake returns, mostly by
applying the reference to a changed input (a flipped kernel, stride 1, no bias ...). When a check
fails, `diagnose` runs the function's variants on the failing case and, if the student's output
matches one (within the grading tolerance) while that variant differs from the right answer, the
feedback names the mistake. Nothing here reads the student's code.

`match` says what has to agree: "values" (default; shape and values), "shape" (the size is off by
one along some axis: the values of such an output are anyone's guess), or "integer" (an integer
array where float64 was expected: the values may have been truncated at any step). For tuple
outputs (dx, dw, db) each returned gradient is matched on its own, so a submission with two
different mistakes in dx and dw gets both named.

Adding a mistake is one line in MISTAKES (and tests/test_diagnose.py checks its mutant is named).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .compare import matches
from .testfunctions import make_function
from .shapes import output_length, pair


@dataclass(frozen=True)
class Mistake:
    function: str  # a graded function, or "*" for every function that returns arrays
    name: str  # short id: "kernel flipped"
    explanation: str  # plain words for the student
    variant: Callable  # (reference, *args, **kwargs) -> what the mistaken code returns
    match: str = "values"  # "values" | "shape" | "integer"
    on_invalid: bool = False  # explains a value returned where a ValueError was the answer


def _a(v) -> np.ndarray:
    return np.asarray(v, dtype=np.float64)


def _same(r, *a, **k):
    """Placeholder variant for shape/integer matching: the right answer's shape."""
    return None


# ----------------------------------------------------------------------------- a1 formulas



def _per_axis(formula):
    """Turn a per-axis length formula into a conv_output_shape variant."""
    def variant(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
        ndim = len(input_shape)
        if len(kernel_shape) != ndim:
            return None
        ex = [v if isinstance(v, (tuple, list)) else (v,) * ndim for v in (padding, stride, dilation)]
        return tuple(formula(n, k, p, s, d) for n, k, p, s, d in
                     zip(input_shape, kernel_shape, *ex))
    return variant


def _zip_shorter(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    """zip() stops at the shorter shape: a rank mismatch goes unnoticed."""
    if len(input_shape) == len(kernel_shape):
        return None
    m = min(len(input_shape), len(kernel_shape))
    ex = [tuple(v)[:m] if isinstance(v, (tuple, list)) else (v,) * m
          for v in (padding, stride, dilation)]
    return tuple(output_length(n, k, p, s, d) for n, k, p, s, d in zip(input_shape, kernel_shape, *ex))


def _first_entry(r, input_shape, kernel_shape, padding=0, stride=1, dilation=1):
    """A per-axis tuple's first entry used for every axis."""
    first = [v[0] if isinstance(v, (tuple, list)) else v for v in (padding, stride, dilation)]
    if all(not isinstance(v, (tuple, list)) for v in (padding, stride, dilation)):
        return None
    return tuple(output_length(n, k, *first) for n, k in zip(input_shape, kernel_shape))


_A1_FORMULAS = [  # (name, explanation, per-axis formula)
    ("off by one", "the size is one too small: the formula ends with + 1 (the kernel's first "
     "position counts too): floor((n + 2p - d(k-1) - 1) / s) + 1",
     lambda n, k, p, s, d: output_length(n, k, p, s, d) - 1),
    ("off by one", "the size is one too large: check the - 1 in floor((n + 2p - d(k-1) - 1) / s) "
     "+ 1", lambda n, k, p, s, d: output_length(n, k, p, s, d) + 1),
    ("off by one", "the - 1 inside the floor is missing: floor((n + 2p - d(k-1) - 1) / s) + 1",
     lambda n, k, p, s, d: (n + 2 * p - d * (k - 1)) // s + 1),
    ("padding ignored", "the padding is ignored: zeros are added at both ends, so the input "
     "counts as n + 2*padding", lambda n, k, p, s, d: output_length(n, k, 0, s, d)),
    ("padding counted once", "the padding is counted once; it is added at BOTH ends: n + 2*padding",
     lambda n, k, p, s, d: (n + p - d * (k - 1) - 1) // s + 1),
    ("stride ignored", "the stride is ignored: the kernel moves `stride` positions at a time, so "
     "divide by the stride (floor division) before adding 1", lambda n, k, p, s, d: output_length(n, k, p, 1, d)),
    ("dilation ignored", "the dilation is ignored: a kernel of size k with dilation d covers "
     "d*(k-1) + 1 input positions", lambda n, k, p, s, d: output_length(n, k, p, s, 1)),
    ("dilation as d*k", "the dilated kernel covers d*(k-1) + 1 positions, not d*k",
     lambda n, k, p, s, d: (n + 2 * p - d * k) // s + 1),
    ("ceil instead of floor", "the division is rounded up; a last partial step does not count, so "
     "round down (//)", lambda n, k, p, s, d: -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1),
    ("true division", "the result is a float from / ; use // (floor division) so the size is an "
     "int", lambda n, k, p, s, d: (n + 2 * p - d * (k - 1) - 1) / s + 1),
]


def _a1_length_variant(formula):
    def variant(r, n, k, padding=0, stride=1, dilation=1):
        return formula(n, k, padding, stride, dilation)
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

def _corr1d_backward_assign(x, w, dy, p_outer: bool):
    """corr1d_backward written with loops and `=` instead of `+=` (one of two loop orders)."""
    x, w, dy = _a(x), _a(w), _a(dy)
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    K, O = len(w), len(dy)
    pairs = [(i, p) for p in range(K) for i in range(O)] if p_outer else \
            [(i, p) for i in range(O) for p in range(K)]
    for i, p in pairs:
        dx[i + p] = w[p] * dy[i]
        dw[p] = x[i + p] * dy[i]
    return dx, dw


def _conv2d_backward_loops(x, w, b, dout, stride=1, padding=0, assign: str = "",
                           use_stride: bool = True):
    """conv2d_backward with explicit loops over (n, f, i, j). assign="all": every `+=` is an `=`;
    assign="positions": n and f vectorised, `=` across output positions (i, j).
    use_stride=False: windows at (i, j) instead of (i*sh, j*sw)."""
    x, w, dout = _a(x), _a(w), _a(dout)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    if not use_stride:
        sh = sw = 1
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    OH, OW = dout.shape[2:]
    if (OH - 1) * sh + KH > xp.shape[2] or (OW - 1) * sw + KW > xp.shape[3]:
        return None
    for i in range(OH):
        for j in range(OW):
            rows, cols = slice(i * sh, i * sh + KH), slice(j * sw, j * sw + KW)
            if assign == "positions":
                dxp[:, :, rows, cols] = np.einsum("nf,fckl->nckl", dout[:, :, i, j], w)
                dw = np.einsum("nf,nckl->fckl", dout[:, :, i, j], xp[:, :, rows, cols])
                continue
            for n in range(N):
                for f in range(F):
                    g = dout[n, f, i, j]
                    if assign == "all":
                        dxp[n, :, rows, cols] = w[f] * g
                        dw[f] = xp[n, :, rows, cols] * g
                    else:
                        dxp[n, :, rows, cols] += w[f] * g
                        dw[f] += xp[n, :, rows, cols] * g
    return dxp[:, :, ph:ph + H, pw:pw + W], dw, dout.sum(axis=(0, 2, 3))


def _n_last(r, x, w, b, dout, stride=1, padding=0):
    """dw and db from the last sample only (= instead of += over the batch)."""
    x, dout = _a(x), _a(dout)
    dx, dw, db = r.conv2d_backward(x[-1:], w, b, dout[-1:], stride=stride, padding=padding)
    full = r.conv2d_backward(x, w, b, dout, stride=stride, padding=padding)
    return full[0], dw, db


def _dx_uncropped(r, x, w, b, dout, stride=1, padding=0):
    (ph, pw) = pair(padding)
    if ph == pw == 0:
        return None
    xp = np.pad(_a(x), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = r.conv2d_backward(xp, w, b, dout, stride=stride, padding=0)[0]
    right = r.conv2d_backward(x, w, b, dout, stride=stride, padding=padding)
    return dxp, right[1], right[2]


# ----------------------------------------------------------------------------- numerical_gradient

def _numgrad(spec, x, h=1e-5, scheme: str = "forward"):
    f = make_function(spec)
    x = _a(x).copy()
    g = np.zeros_like(x)
    f0 = f(x)
    if scheme == "all_at_once":
        return np.full_like(x, (f(x + h) - f(x - h)) / (2 * h))
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        if scheme == "forward":
            g[idx] = (f(x + e) - f0) / h
        elif scheme == "backward":
            g[idx] = (f0 - f(x - e)) / h
        elif scheme == "central":
            g[idx] = (f(x + e) - f(x - e)) / (2 * h)
        elif scheme == "over_h":
            g[idx] = (f(x + e) - f(x - e)) / h
        elif scheme == "not_restored":  # x[i] += h; f; x[i] -= 2h; f; (x[i] never put back)
            x[idx] += h
            fp = f(x)
            x[idx] -= 2 * h
            g[idx] = (fp - f(x)) / (2 * h)
    return g


def _numgrad_integer(spec, x, h=1e-5):
    """Central differences on an integer x kept integer: x[i] +/- h is truncated toward zero
    when stored, so the step is 0 or 1 depending on the sign of x[i]."""
    x = np.array(x)
    if x.dtype.kind not in "iub":
        return None
    f = make_function(spec)
    g = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[idx] = np.trunc(plus[idx] + h)
        minus[idx] = np.trunc(minus[idx] - h)
        g[idx] = (f(plus) - f(minus)) / (2 * h)
    return g


# ----------------------------------------------------------------------------- the table

_INT = ("integer truncation", "the output is an integer array, so every value stored in it is cut "
        "to a whole number (np.zeros_like(x) copies the integer dtype of an integer x). Create the "
        "output as float64, e.g. np.zeros(shape) or np.zeros_like(x, dtype=float).")
_OFF = ("off by one", "the output is one row/column short or too long. In valid mode a kernel of "
        "size K fits at H - K + 1 positions along an axis of length H (range(H - K + 1) in a loop).")
_OFF_LAYER = ("off by one", "the output size is off by one: OH = (H + 2*padding - KH) // stride "
              "+ 1, and the same for OW.")

_INVALID = ("invalid input is not refused: the formula's value came back. Raise ValueError when "
            "n, k, stride or dilation is below 1, padding is negative, or the result is below 1 (the "
            "kernel does not fit).")

MISTAKES: list[Mistake] = [
    # --- a1: sizes
    *[Mistake("conv_output_length", n, e, _a1_length_variant(fm)) for n, e, fm in _A1_FORMULAS],
    *[Mistake("conv_output_shape", n, e, _per_axis(fm)) for n, e, fm in _A1_FORMULAS],
    Mistake("conv_output_shape", "rank mismatch not detected", "input_shape and kernel_shape have "
            "different lengths but no ValueError was raised (zip() silently stops at the shorter "
            "one): compare len(input_shape) with len(kernel_shape) first", _zip_shorter,
            on_invalid=True),
    Mistake("conv_output_length", "invalid input accepted", _INVALID,
            _a1_length_variant(output_length), on_invalid=True),
    Mistake("conv_output_shape", "invalid input accepted", _INVALID, _per_axis(output_length),
            on_invalid=True),
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
            "adds its share.", lambda r, x, w, dy: _corr1d_backward_assign(x, w, dy, False)),
    Mistake("corr1d_backward", "= instead of +=", "the gradient is overwritten with = instead of "
            "accumulated with +=: an input element is used by several outputs, and each of them "
            "adds its share.", lambda r, x, w, dy: _corr1d_backward_assign(x, w, dy, True)),
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
            lambda r, *a, **k: _conv2d_backward_loops(*a, **k, assign="all")),
    Mistake("conv2d_backward", "= instead of +=", "the gradient is overwritten with = instead of "
            "accumulated with +=: windows overlap, so only the last window position survived.",
            lambda r, *a, **k: _conv2d_backward_loops(*a, **k, assign="positions")),
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
            "there.", lambda r, *a, **k: _conv2d_backward_loops(*a, **k, use_stride=False)),
    Mistake("conv2d_backward", "kernel not flipped in dx", "dx uses the kernels the wrong way "
            "round: dx is a FULL convolution of dout with w (w rotated by 180 degrees when "
            "written as a correlation).",
            lambda r, x, w, b, dout, **k: (r.conv2d_backward(x, _flip(w, (2, 3)), b, dout, **k)[0],
                                           None, None)),
    Mistake("numerical_gradient", "one-sided difference", "this is a one-sided difference "
            "(f(x + h) - f(x)) / h; use the central difference (f(x + h e_i) - f(x - h e_i)) / "
            "(2h), whose error is about h^2 instead of h.",
            lambda r, f, x, h=1e-5: _numgrad(f, x, h, "forward")),
    Mistake("numerical_gradient", "one-sided difference", "this is a one-sided difference "
            "(f(x) - f(x - h)) / h; use the central difference (f(x + h e_i) - f(x - h e_i)) / "
            "(2h).", lambda r, f, x, h=1e-5: _numgrad(f, x, h, "backward")),
    Mistake("numerical_gradient", "h ignored", "the step h you were given was ignored (your "
            "result is the central difference with another step): use the h argument.",
            lambda r, f, x, h=1e-5: _numgrad(f, x, 1e-5, "central") if h != 1e-5 else None),
    Mistake("numerical_gradient", "divided by h", "the central difference is divided by h; the "
            "two points are 2h apart, so divide by 2h.",
            lambda r, f, x, h=1e-5: _numgrad(f, x, h, "over_h")),
    Mistake("numerical_gradient", "all elements at once", "all elements were moved at once (x + h)"
            "; move one element at a time: x + h * e_i, where e_i is zero except at element i.",
            lambda r, f, x, h=1e-5: _numgrad(f, x, h, "all_at_once")),
    Mistake("numerical_gradient", "x mutated", "x is changed in place and not put back: after "
            "x[i] += h and x[i] -= 2*h, element i stays at x[i] - h, so later elements are "
            "differentiated at the wrong point. Work on a copy (x.copy()) or restore x[i].",
            lambda r, f, x, h=1e-5: _numgrad(f, x, h, "not_restored")),
    Mistake("numerical_gradient", "integer x", "x is an integer array, so x[i] + h is cut back "
            "to x[i] and every difference is 0: work on a float copy, x = np.array(x, "
            "dtype=float).", lambda r, f, x, h=1e-5: _numgrad_integer(f, x, h)),
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
    if expected is None:  # the answer was an error: first "did not refuse", then the formula's own
        candidates = ([m for m in candidates if m.on_invalid]
                      + [m for m in candidates if not m.on_invalid])
    else:
        candidates = [m for m in candidates if not m.on_invalid]
    for mistake in candidates:
        if expected is None and found and not mistake.on_invalid:
            break  # "invalid input not refused" already explains it
        variant = None
        if mistake.match == "values":
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
