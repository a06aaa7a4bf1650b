"""Contract-exact a2 (test data, never shipped): written from the a2 notebook alone.

Loops over output positions, as the notebook suggests. Inputs may be lists or int/float arrays and
every result is a float64 array (the notebook's intro says so). ValueErrors only where the
notebook asks for one: corr1d with a kernel longer than the input, corr2d with a kernel that does
not fit. corr3d and the convolutions check nothing themselves (the notebook does not ask).
"""
import numpy as np


def corr1d(x, w):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    L, K = len(x), len(w)
    if K > L:
        raise ValueError(f"the kernel ({K}) is longer than the input ({L})")
    y = np.zeros(L - K + 1)
    for i in range(L - K + 1):
        y[i] = np.dot(x[i:i + K], w)
    return y


def corr2d(x, w):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    H, W = x.shape
    KH, KW = w.shape
    if KH > H or KW > W:
        raise ValueError(f"a {KH}x{KW} kernel does not fit into a {H}x{W} input")
    y = np.zeros((H - KH + 1, W - KW + 1))
    for i in range(H - KH + 1):
        for j in range(W - KW + 1):
            y[i, j] = np.sum(x[i:i + KH, j:j + KW] * w)
    return y


def corr3d(x, w):
    # one loop over the output depth, adding up corr2d of matching slices (the notebook's hint)
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    D, KD = x.shape[0], w.shape[0]
    slices = []
    for d in range(D - KD + 1):
        total = corr2d(x[d], w[0])
        for r in range(1, KD):
            total = total + corr2d(x[d + r], w[r])
        slices.append(total)
    return np.array(slices)


def convolve1d(x, w):
    return corr1d(x, np.asarray(w, dtype=float)[::-1])


def convolve2d(x, w):
    return corr2d(x, np.asarray(w, dtype=float)[::-1, ::-1])
