"""Buggy submission (test data, never shipped): conv2d_backward assigns dx and dw with = inside the loops instead of +=.

assignment: a4_backprop
function: conv2d_backward
expect: overwritten with = instead of
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


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
                    dxp[n, :, rows, cols] = w[f] * dout[n, f, i, j]
                    dw[f] = xp[n, :, rows, cols] * dout[n, f, i, j]
    db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, ph:ph + H, pw:pw + W], dw, db
