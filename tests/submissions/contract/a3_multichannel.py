"""Contract-exact a3 (test data, never shipped): written from the a3 notebook alone.

stride and padding are ints, as the notebook says: `i * stride` in a slice and `(p, p)` in np.pad
only work for ints (a (rows, cols) pair would raise TypeError or ValueError). Inputs may be lists
or int/float arrays; results are float64 arrays. ValueErrors only where the notebook asks:
channel mismatches, and the shape checks listed for conv2d_forward.
"""
import numpy as np


def corr2d(x, w):
    H, W = x.shape
    KH, KW = w.shape
    y = np.zeros((H - KH + 1, W - KW + 1))
    for i in range(H - KH + 1):
        for j in range(W - KW + 1):
            y[i, j] = np.sum(x[i:i + KH, j:j + KW] * w)
    return y


def corr2d_multi_in(x, w):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.shape[0] != w.shape[0]:
        raise ValueError(f"x has {x.shape[0]} channels but w has {w.shape[0]}")
    y = corr2d(x[0], w[0])
    for c in range(1, x.shape[0]):
        y = y + corr2d(x[c], w[c])
    return y


def corr2d_multi_in_out(x, w):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if x.shape[0] != w.shape[1]:
        raise ValueError(f"x has {x.shape[0]} channels but the kernels have {w.shape[1]}")
    return np.stack([corr2d_multi_in(x, w[f]) for f in range(w.shape[0])])


def conv2d_forward(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    b = np.asarray(b, dtype=float)
    if x.ndim != 4 or w.ndim != 4:
        raise ValueError(f"x and w must be 4D, got shapes {x.shape} and {w.shape}")
    N, C, H, W = x.shape
    F, Cw, KH, KW = w.shape
    if C != Cw:
        raise ValueError(f"x has {C} channels but w has {Cw}")
    if b.shape != (F,):
        raise ValueError(f"b must have {F} entries, got shape {b.shape}")
    p, s = padding, stride
    if KH > H + 2 * p or KW > W + 2 * p:
        raise ValueError(f"a {KH}x{KW} kernel does not fit into the padded {H + 2 * p}x{W + 2 * p} input")
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    OH = (H + 2 * p - KH) // s + 1
    OW = (W + 2 * p - KW) // s + 1
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                window = xpad[n, :, i * s:i * s + KH, j * s:j * s + KW]
                out[n, :, i, j] = np.sum(window * w, axis=(1, 2, 3)) + b
    return out
