"""Reference solution for assignment a4_backprop: backpropagation through convolution.

Forward (1D, valid): y[i] = sum_p w[p] x[i + p]. Given g = dL/dy, the chain rule gives

    dL/dw[p] = sum_i g[i] x[i + p]          -> correlate x with g          (a correlation!)
    dL/dx[j] = sum_i g[i] w[j - i]          -> "full" convolution of g with w
                                               = correlate zero-padded g with the FLIPPED w

So the gradient of a convolution is again a convolution. The same holds for the 2D layer with
channels, stride and padding: dw correlates the input with dout, and dx correlates the
stride-dilated, zero-padded dout with the flipped kernels (a "transposed convolution").

`numerical_gradient` estimates gradients with central differences; it is how we check the
analytic gradients above (and how you should check yours).

The two forward passes (`_corr1d`, `_conv2d_forward`) are the ones the notebook gives students.
They are not graded here; the grader differentiates them numerically to check a student's
gradients without trusting any backward function.
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


def _corr1d(x, w):
    """The forward pass y = corr1d(x, w) (assignment 2): x (L,), w (K,) -> (L - K + 1,)."""
    x, w = _as_real_array(x, "x"), _as_real_array(w, "w")
    return np.lib.stride_tricks.sliding_window_view(x, w.shape) @ w


def _layer_windows(x, kernel_size, stride, padding):
    """The windows a conv layer reads: x (N, C, H, W) -> (N, C, OH, OW, KH, KW).

    Window [n, c, i, j] is xpad[n, c, i*sh : i*sh + KH, j*sw : j*sw + KW] of the zero-padded
    input; a view, no copy. stride, padding: (rows, cols) pairs of ints.
    """
    (sh, sw), (ph, pw) = stride, padding
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    windows = np.lib.stride_tricks.sliding_window_view(xpad, kernel_size, axis=(2, 3))
    return windows[:, :, ::sh, ::sw]  # all stride-1 windows, then every sh-th / sw-th one


def _conv2d_forward(x, w, b, stride=1, padding=0):
    """The forward pass out = conv2d_forward(x, w, b, stride, padding) (assignment 3).

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,)  ->  (N, F, OH, OW) float64.
    """
    x, w, b = _as_real_array(x, "x"), _as_real_array(w, "w"), _as_real_array(b, "b")
    windows = _layer_windows(x, w.shape[2:], _pair(stride, "stride", 1),
                             _pair(padding, "padding", 0))
    return np.einsum("ncijpq,fcpq->nfij", windows, w, optimize=True) + b[None, :, None, None]


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
    """Gradients of out = conv2d_forward(x, w, b, stride, padding) given dout = dL/dout.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,), dout: (N, F, OH, OW)
    ->  (dx: (N, C, H, W), dw: (F, C, KH, KW), db: (F,)), all float64.
    stride, padding: an int or a pair (rows, cols), as in the forward pass.
    """
    x, w = _as_real_array(x, "x"), _as_real_array(w, "w")
    b, dout = _as_real_array(b, "b"), _as_real_array(dout, "dout")
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(
            f"x must be (N, C, H, W) and w (F, C, KH, KW), got shapes {x.shape} and {w.shape}"
        )
    N, C, H, W = x.shape
    F, Cw, KH, KW = w.shape
    if Cw != C:
        raise ValueError(
            f"channel mismatch: x has {C} channels (shape {x.shape}), w expects {Cw} "
            f"(shape {w.shape})"
        )
    if b.shape != (F,):
        raise ValueError(f"bias shape mismatch: expected b of shape ({F},), got {b.shape}")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    Hp, Wp = H + 2 * ph, W + 2 * pw
    if KH == 0 or KW == 0 or KH > Hp or KW > Wp:
        raise ValueError(
            f"the kernel is larger than the input: padded input {(Hp, Wp)}, kernel {(KH, KW)}"
        )
    OH, OW = (Hp - KH) // sh + 1, (Wp - KW) // sw + 1
    if dout.shape != (N, F, OH, OW):
        raise ValueError(
            f"dout must have the shape of the forward output, {(N, F, OH, OW)}, got {dout.shape}"
        )

    # db: the bias was added to every pixel of every image, so its gradient sums over them.
    db = dout.sum(axis=(0, 2, 3))

    # dw: same windows as the forward pass; each pairs with the dout value it produced.
    windows = _layer_windows(x, (KH, KW), (sh, sw), (ph, pw))  # (N, C, OH, OW, KH, KW)
    dw = np.einsum("nfij,ncijpq->fcpq", dout, windows, optimize=True)

    # dx: put dout back on the stride grid (zeros between samples), pad by K-1 and correlate
    # with the flipped kernels: a "full" convolution, i.e. the transposed convolution.
    dil = np.zeros((N, F, (OH - 1) * sh + 1, (OW - 1) * sw + 1))
    dil[:, :, ::sh, ::sw] = dout
    dil = np.pad(dil, ((0, 0), (0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
    dwin = np.lib.stride_tricks.sliding_window_view(dil, (KH, KW), axis=(2, 3))
    core = np.einsum("nfijpq,fcpq->ncij", dwin, w[:, :, ::-1, ::-1], optimize=True)
    # Rows/columns the last window never reached (when the stride skips them) get no gradient.
    dxpad = np.zeros((N, C, Hp, Wp))
    dxpad[:, :, : core.shape[2], : core.shape[3]] = core
    dx = dxpad[:, :, ph : ph + H, pw : pw + W]  # the padding zeros are constants: drop them
    return dx, dw, db


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
