"""Buggy submission (test data, never shipped): corr2d_multi_in returns the per-channel correlations without adding them.

assignment: a3_multichannel
function: corr2d_multi_in
expect: the channels are not summed
"""

import numpy as np


def _as_real_array(a, name):
    """Convert an array-like of real numbers (bool, int, float) to a float64 ndarray."""
    try:
        arr = np.asarray(a)
    except ValueError as exc:  # ragged nested lists
        raise ValueError(f"{name} is not a rectangular array of numbers: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must hold real numbers (bool, int or float), got dtype {arr.dtype}"
        )
    return arr.astype(np.float64)


def _check_rank(arr, name, ndim, axes):
    if arr.ndim != ndim:
        raise ValueError(
            f"{name} must be {ndim}-D with axes {axes}, got shape {arr.shape} ({arr.ndim}-D)"
        )


def _check_channels_and_fit(x_shape, w_shape):
    """x_shape ends in (C, H, W), w_shape in (C, KH, KW); check channels match and kernel fits."""
    if x_shape[-3] != w_shape[-3]:
        raise ValueError(
            f"channel mismatch: x has {x_shape[-3]} channels (shape {x_shape}) but the kernel "
            f"has {w_shape[-3]} (shape {w_shape}); every kernel needs one slice per input channel"
        )
    if w_shape[-1] == 0 or w_shape[-2] == 0:
        raise ValueError(f"the kernel is empty (shape {w_shape})")
    if w_shape[-2] > x_shape[-2] or w_shape[-1] > x_shape[-1]:
        raise ValueError(
            f"the kernel is larger than the input: spatial input {x_shape[-2:]}, kernel "
            f"{w_shape[-2:]}; every kernel size must be <= the (padded) input size"
        )


def corr2d_multi_in(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    C, KH, KW = w.shape
    OH, OW = x.shape[1] - KH + 1, x.shape[2] - KW + 1
    y = np.zeros((C, OH, OW))
    for c in range(C):
        for i in range(OH):
            for j in range(OW):
                y[c, i, j] = np.sum(x[c, i:i + KH, j:j + KW] * w[c])
    return y


def corr2d_multi_in_out(x, w):
    """Several output channels: one multi-input correlation per kernel, stacked.

    x: (C, H, W), w: (F, C, KH, KW)  ->  (F, H - KH + 1, W - KW + 1) float64.
    """
    x, w = _as_real_array(x, "x"), _as_real_array(w, "w")
    _check_rank(x, "x", 3, "(C, H, W)")
    _check_rank(w, "w", 4, "(F, C, KH, KW)")
    _check_channels_and_fit(x.shape, w.shape)
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape[2:], axis=(1, 2))
    return np.einsum("cijpq,fcpq->fij", windows, w)


def _pair(value, name, minimum):
    """An int, or a (vertical, horizontal) pair of ints, each >= minimum -> a 2-tuple of ints."""
    pair = tuple(value) if isinstance(value, (tuple, list, np.ndarray)) else (value, value)
    if len(pair) != 2:
        raise ValueError(f"{name} must be an int or a pair (rows, cols), got {value!r}")
    for v in pair:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be made of integers, got {value!r}")
        if v < minimum:
            raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def conv2d_forward(x, w, b, stride=1, padding=0):
    """Forward pass of a 2D convolution layer (cross-correlation, as in CNN libraries).

    x: (N, C, H, W) batch of inputs, w: (F, C, KH, KW) kernels, b: (F,) biases.
    stride, padding: an int, or a pair (rows, cols); padding adds zeros on every side.
    Returns (N, F, OH, OW) float64 with OH = (H + 2*ph - KH) // sh + 1 (same for OW).
    """
    x, w, b = _as_real_array(x, "x"), _as_real_array(w, "w"), _as_real_array(b, "b")
    _check_rank(x, "x", 4, "(N, C, H, W)")
    _check_rank(w, "w", 4, "(F, C, KH, KW)")
    if b.shape != (w.shape[0],):
        raise ValueError(
            f"bias shape mismatch: w has {w.shape[0]} output channels (shape {w.shape}) so b "
            f"must have shape ({w.shape[0]},), got {b.shape}"
        )
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)

    # Zero padding only on the two spatial axes, never on the batch or channel axis.
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    _check_channels_and_fit(xpad.shape, w.shape)
    KH, KW = w.shape[2:]
    # All stride-1 windows, then keep every sh-th row / sw-th column of window positions:
    # (N, C, OH, OW, KH, KW), still a view into xpad.
    windows = np.lib.stride_tricks.sliding_window_view(xpad, (KH, KW), axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw]
    out = np.einsum("ncijpq,fcpq->nfij", windows, w, optimize=True)
    return out + b[None, :, None, None]  # one bias per output channel, broadcast over pixels
