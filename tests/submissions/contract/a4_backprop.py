"""Contract-exact a4 (test data, never shipped): written from the a4 notebook alone.

The backward passes mirror the forward loops with `+=`, as the notebook shows; stride and padding
are ints (the given conv2d_forward and the slice `dxpad[:, :, padding:padding + H, ...]` of the
notebook take ints only). Inputs may be lists or int/float arrays; results are float64 arrays.
numerical_gradient nudges a float64 copy of x and puts every element back.
"""
import numpy as np


def corr1d_backward(x, w, dy):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dy = np.asarray(dy, dtype=float)
    dx = np.zeros(len(x))
    dw = np.zeros(len(w))
    for i in range(len(dy)):
        for p in range(len(w)):
            dw[p] += dy[i] * x[i + p]
            dx[i + p] += dy[i] * w[p]
    return dx, dw


def conv2d_backward(x, w, b, dout, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dout = np.asarray(dout, dtype=float)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    _, _, OH, OW = dout.shape
    s, p = stride, padding
    xpad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxpad = np.zeros(xpad.shape)
    dw = np.zeros(w.shape)
    for n in range(N):
        for i in range(OH):
            for j in range(OW):
                window = xpad[n, :, i * s:i * s + KH, j * s:j * s + KW]
                for f in range(F):
                    dxpad[n, :, i * s:i * s + KH, j * s:j * s + KW] += dout[n, f, i, j] * w[f]
                    dw[f] += dout[n, f, i, j] * window
    db = dout.sum(axis=(0, 2, 3))
    return dxpad[:, :, p:p + H, p:p + W], dw, db


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)  # a float64 copy: the caller's x stays as it is
    grad = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        keep = x[k]
        x[k] = keep + h
        up = f(x)
        x[k] = keep - h
        down = f(x)
        x[k] = keep
        grad[k] = (up - down) / (2 * h)
    return grad
