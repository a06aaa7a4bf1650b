"""Buggy submission (test data, never shipped): conv2d_backward sums db over the pixels but not over the batch.

assignment: a4_backprop
function: conv2d_backward
expect: db is not summed over the batch
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


def corr1d_backward(x, w, dy):
    """Gradients of y = corr1d(x, w) (valid cross-correlation) given dy = dL/dy.

    x: (L,), w: (K,), dy: (L - K + 1,)  ->  (dx: (L,), dw: (K,)), both float64.
    """
    x, w, dy = _as_real_array(x, "x"), _as_real_array(w, "w"), _as_real_array(dy, "dy")
    if x.ndim != 1 or w.ndim != 1 or dy.ndim != 1:
        raise ValueError(
            f"x, w and dy must all be 1-D, got shapes {x.shape}, {w.shape} and {dy.shape}"
        )
    L, K = x.shape[0], w.shape[0]
    if K == 0 or K > L:
        raise ValueError(f"the kernel must fit the input: x has length {L}, w has length {K}")
    if dy.shape != (L - K + 1,):
        raise ValueError(
            f"dy must have the shape of the output y, ({L - K + 1},), got {dy.shape}"
        )

    # dw[p] = sum_i dy[i] x[i + p]: slide dy over x, exactly like the forward pass slides w.
    dw = np.lib.stride_tricks.sliding_window_view(x, K).T @ dy  # (K, L-K+1) @ (L-K+1,)
    # dx[j] = sum_i dy[i] w[j - i]: pad dy with K-1 zeros on both sides, correlate with w flipped.
    dy_pad = np.pad(dy, K - 1)  # (L + K - 1,)
    dx = np.lib.stride_tricks.sliding_window_view(dy_pad, K) @ w[::-1]  # (L,)
    return dx, dw


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    x, w, b, dout = (np.asarray(a, dtype=float) for a in (x, w, b, dout))
    sh, sw = (stride, stride) if np.isscalar(stride) else tuple(stride)
    ph, pw = (padding, padding) if np.isscalar(padding) else tuple(padding)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, _, OH, OW = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)

    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    rows, cols = slice(i * sh, i * sh + KH), slice(j * sw, j * sw + KW)
                    dxp[n, :, rows, cols] += w[f] * dout[n, f, i, j]
                    dw[f] += xp[n, :, rows, cols] * dout[n, f, i, j]
    db = dout.sum(axis=(2, 3))
    return dxp[:, :, ph:ph + H, pw:pw + W], dw, db


def numerical_gradient(f, x, h=1e-5):
    """Central-difference estimate of the gradient of a scalar function f at x.

    f: callable taking an array shaped like x and returning one real number.
    x: array-like of any shape; h: step (> 0).  Returns float64 array of x's shape:
        grad[idx] = (f(x + h e_idx) - f(x - h e_idx)) / (2 h)
    x itself is never modified: f always receives a fresh float64 copy.
    """
    # float64 copy: an int array would truncate x + h back to x and give a zero gradient.
    x = _as_real_array(x, "x")
    is_number = isinstance(h, (int, float, np.integer, np.floating)) and not isinstance(h, bool)
    if not is_number or not h > 0:
        raise ValueError(f"h must be a positive number, got {h!r}")
    h = float(h)

    def value_at(point):
        value = np.asarray(f(point))
        if value.size != 1 or value.dtype.kind not in "biuf":
            raise ValueError(
                f"f must return a single real number, got {value.dtype} array of shape "
                f"{value.shape}"
            )
        return float(value.reshape(()))

    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):  # one pair of evaluations per element: fine for checks
        plus, minus = x.copy(), x.copy()  # fresh copies, so an f that mutates can't skew us
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (value_at(plus) - value_at(minus)) / (2 * h)
    return grad
