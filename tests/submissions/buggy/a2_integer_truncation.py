"""Buggy submission (test data, never shipped): corr2d stores its results in np.zeros_like(x), an integer array for integer x.

assignment: a2_correlation
function: corr2d
expect: integer array
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


def _prepare(x, w, ndim):
    """Check x and w are real `ndim`-D arrays and w fits inside x; return them as float64."""
    x = _as_real_array(x, "x")
    w = _as_real_array(w, "w")
    if x.ndim != ndim or w.ndim != ndim:
        raise ValueError(
            f"expected a {ndim}-D input and a {ndim}-D kernel, got x with shape {x.shape} "
            f"({x.ndim}-D) and w with shape {w.shape} ({w.ndim}-D)"
        )
    if w.size == 0:
        raise ValueError(f"the kernel w is empty (shape {w.shape})")
    if any(k > n for n, k in zip(x.shape, w.shape)):
        raise ValueError(
            f"the kernel is larger than the input: x has shape {x.shape}, w has shape "
            f"{w.shape}; in 'valid' mode every kernel size must be <= the input size"
        )
    return x, w


def corr1d(x, w):
    """1D cross-correlation, valid mode: y[i] = sum_p w[p] x[i + p].

    x: (L,), w: (K,) with K <= L  ->  y: (L - K + 1,) float64.
    """
    x, w = _prepare(x, w, 1)
    # (L-K+1, K): row i is the window x[i:i+K]
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)
    return windows @ w


def corr2d(x, w):
    x, w = np.asarray(x), np.asarray(w)
    KH, KW = w.shape
    y = np.zeros_like(x[: x.shape[0] - KH + 1, : x.shape[1] - KW + 1])
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = np.sum(x[i:i + KH, j:j + KW] * w)
    return y


def corr3d(x, w):
    """3D cross-correlation, valid mode (e.g. a video or a volume scan).

    x: (D, H, W), w: (KD, KH, KW)  ->  y: (D - KD + 1, H - KH + 1, W - KW + 1) float64.
    """
    x, w = _prepare(x, w, 3)
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)  # (OD, OH, OW, KD, KH, KW)
    return np.einsum("ijkpqr,pqr->ijk", windows, w)


def convolve1d(x, w):
    """True 1D convolution, valid mode: correlation with the kernel reversed.

    x: (L,), w: (K,)  ->  (L - K + 1,) float64; equals np.convolve(x, w, mode="valid") when K <= L.
    """
    x, w = _prepare(x, w, 1)
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)
    return windows @ w[::-1]  # the flip is the only difference from corr1d


def convolve2d(x, w):
    """True 2D convolution, valid mode: correlation with the kernel rotated by 180 degrees.

    x: (H, W), w: (KH, KW)  ->  (H - KH + 1, W - KW + 1) float64;
    equals scipy.signal.convolve2d(x, w, mode="valid").
    """
    x, w = _prepare(x, w, 2)
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape)
    return np.einsum("ijpq,pq->ij", windows, w[::-1, ::-1])  # flip BOTH axes
