"""Buggy submission (test data, never shipped): conv2d_forward adds the bias inside the loop over input channels.

assignment: a3_multichannel
function: conv2d_forward
expect: the bias is added once per input channel
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
    """Multi-input-channel 2D cross-correlation: correlate channel by channel, then sum.

    x: (C, H, W), w: (C, KH, KW)  ->  (H - KH + 1, W - KW + 1) float64.
    """
    x, w = _as_real_array(x, "x"), _as_real_array(w, "w")
    _check_rank(x, "x", 3, "(C, H, W)")
    _check_rank(w, "w", 3, "(C, KH, KW)")
    _check_channels_and_fit(x.shape, w.shape)
    # windows[c, i, j] is the patch x[c, i:i+KH, j:j+KW]
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape[1:], axis=(1, 2))
    # summing over c as well as over the window (p, q) is what merges the channels
    return np.einsum("cijpq,cpq->ij", windows, w)


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
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    sh, sw = (stride, stride) if np.isscalar(stride) else tuple(stride)
    ph, pw = (padding, padding) if np.isscalar(padding) else tuple(padding)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape

    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH, OW = (H + 2 * ph - KH) // sh + 1, (W + 2 * pw - KW) // sw + 1
    y = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for c in range(C):
                for i in range(OH):
                    for j in range(OW):
                        win = xp[n, c, i * sh:i * sh + KH, j * sw:j * sw + KW]
                        y[n, f, i, j] += np.sum(win * w[f, c]) + b[f]
    return y
