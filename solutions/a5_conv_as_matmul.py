"""Reference solution for assignment a5_conv_as_matmul: convolution as a matrix product.

A convolution layer multiplies every window of its input with every kernel and sums. Cut each
window out, flatten it into a row, and stack the rows: that is the "im2col" matrix, one row per
output pixel, one column per (channel, kernel row, kernel column). Flattening the F kernels the
same way gives an (F, C*KH*KW) matrix, and the whole layer becomes ONE matrix product:

    cols = im2col(x, KH, KW, stride, padding)            (N, OH*OW, C*KH*KW)
    out  = cols @ w.reshape(F, -1).T + b                 (N, OH*OW, F)
         -> transposed and reshaped to (N, F, OH, OW)

(Stacking the images into the rows as well, (N*OH*OW, C*KH*KW), makes it a single 2-D product,
which NumPy hands to BLAS in one call: several times faster than a batched 3-D @.)

This is how many libraries compute convolutions: a matrix product is the best-optimized routine
there is. The columns line up with w.reshape(F, -1) because both are flattened in (C, KH, KW)
order (C-order: the last axis changes fastest).

The other way round, a valid 2D cross-correlation of an (H, W) input is a matrix M of shape
(OH*OW, H*W) applied to x.ravel(): row r = i*OW + j holds the kernel at the positions of the
window of output pixel (i, j) and zeros everywhere else. M has OH*OW*H*W entries but only KH*KW
different nonzero numbers (weight sharing) and mostly zeros (sparsity): what a convolution layer
saves compared with a fully connected layer of the same sizes.
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


def _int_at_least(value, name, minimum):
    """An int (not a bool) >= minimum, as a Python int; ValueError otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value!r}")
    return int(value)


def _windows(x, kh, kw, stride, padding):
    """The windows a conv layer reads, one per output pixel, as a view where possible.

    x: (N, C, H, W) array-like; kh, kw: kernel size; stride >= 1, padding >= 0: ints.
    Returns (N, OH, OW, C, KH, KW) float64: element [n, i, j] is the window
    xpad[n, :, i*stride : i*stride + KH, j*stride : j*stride + KW] of the zero-padded input.
    """
    x = _as_real_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D with axes (N, C, H, W), got shape {x.shape} ({x.ndim}-D)")
    kh, kw = _int_at_least(kh, "kh", 1), _int_at_least(kw, "kw", 1)
    stride = _int_at_least(stride, "stride", 1)
    padding = _int_at_least(padding, "padding", 0)
    # zeros on both sides of the two spatial axes only, never on the batch or channel axis
    xpad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    if kh > xpad.shape[2] or kw > xpad.shape[3]:
        raise ValueError(
            f"the kernel ({kh}, {kw}) does not fit the padded input {xpad.shape[2:]} "
            f"(input {x.shape[2:]}, padding {padding})"
        )
    # all stride-1 windows (N, C, OH1, OW1, KH, KW), then every stride-th window position
    windows = np.lib.stride_tricks.sliding_window_view(xpad, (kh, kw), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    return windows.transpose(0, 2, 3, 1, 4, 5)  # the window's position first, its content last


def im2col(x, kh, kw, stride=1, padding=0):
    """Every window of the layer's input as one row of a matrix ("image to columns").

    x: (N, C, H, W); kh, kw: kernel height and width; stride, padding: ints.
    Returns cols: (N, OH*OW, C*KH*KW) float64 with OH = (H + 2*padding - KH) // stride + 1 (same
    for OW). Row r = i*OW + j of cols[n] is the window at (i*stride, j*stride) of the zero-padded
    x[n], flattened in (C, KH, KW) order, so it lines up with w.reshape(F, -1).
    """
    windows = _windows(x, kh, kw, stride, padding)  # (N, OH, OW, C, KH, KW)
    N, OH, OW = windows.shape[:3]
    # C-order reshape: rows in (OH, OW) order, columns in (C, KH, KW) order (copies the view)
    return windows.reshape(N, OH * OW, -1)


def conv2d_matmul(x, w, b, stride=1, padding=0):
    """The convolution layer as ONE matrix product: im2col(x) @ w.reshape(F, -1).T + b.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,); stride, padding: ints.
    Returns out: (N, F, OH, OW) float64, equal to conv2d_forward(x, w, b, stride, padding) of
    assignment 3.
    """
    x, w, b = _as_real_array(x, "x"), _as_real_array(w, "w"), _as_real_array(b, "b")
    if w.ndim != 4:
        raise ValueError(f"w must be 4-D with axes (F, C, KH, KW), got shape {w.shape}")
    if x.ndim == 4 and x.shape[1] != w.shape[1]:
        raise ValueError(
            f"channel mismatch: x has {x.shape[1]} channels (shape {x.shape}) but w has "
            f"{w.shape[1]} (shape {w.shape})"
        )
    F = w.shape[0]
    if b.shape != (F,):
        raise ValueError(f"b must have one bias per kernel, shape ({F},), got {b.shape}")
    windows = _windows(x, w.shape[2], w.shape[3], stride, padding)  # (N, OH, OW, C, KH, KW)
    N, OH, OW = windows.shape[:3]
    # im2col with the images stacked too, (N*OH*OW, C*KH*KW): then the whole batch is ONE 2-D
    # product, a single BLAS call (a batched 3-D @ is several times slower in NumPy)
    cols = windows.reshape(N * OH * OW, -1)
    out = cols @ w.reshape(F, -1).T + b  # (N*OH*OW, C*KH*KW) @ (C*KH*KW, F) -> (N*OH*OW, F)
    # one row per pixel, one column per kernel -> one (OH, OW) map per kernel
    return out.reshape(N, OH, OW, F).transpose(0, 3, 1, 2)


def conv_matrix(w, input_shape):
    """The matrix of a valid 2D cross-correlation: M @ x.ravel() == corr2d(x, w).ravel().

    w: (KH, KW) kernel; input_shape: (H, W) with KH <= H and KW <= W.
    Returns M: (OH*OW, H*W) float64 with OH = H - KH + 1, OW = W - KW + 1. Row r = i*OW + j
    holds w[p, q] in column (i + p)*W + (j + q) and zeros elsewhere.
    """
    w = _as_real_array(w, "w")
    if w.ndim != 2:
        raise ValueError(f"w must be a 2-D kernel (KH, KW), got shape {w.shape} ({w.ndim}-D)")
    if len(input_shape) != 2:
        raise ValueError(f"input_shape must be (H, W), got {input_shape!r}")
    H = _int_at_least(input_shape[0], "H", 1)
    W = _int_at_least(input_shape[1], "W", 1)
    KH, KW = w.shape
    if KH == 0 or KW == 0 or KH > H or KW > W:
        raise ValueError(
            f"the kernel {w.shape} does not fit the input ({H}, {W}); in valid mode every "
            "kernel size must be between 1 and the input size"
        )
    OH, OW = H - KH + 1, W - KW + 1
    # broadcast index grids of shape (OH, OW, KH, KW): output pixel (i, j), kernel tap (p, q)
    i = np.arange(OH)[:, None, None, None]
    j = np.arange(OW)[None, :, None, None]
    p = np.arange(KH)[None, None, :, None]
    q = np.arange(KW)[None, None, None, :]
    M = np.zeros((OH * OW, H * W))
    # tap (p, q) of output pixel (i, j) reads input pixel (i + p, j + q)
    M[i * OW + j, (i + p) * W + (j + q)] = w[p, q]
    return M
