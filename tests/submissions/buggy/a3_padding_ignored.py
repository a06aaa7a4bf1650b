"""Buggy submission (test data, never shipped): conv2d_forward never pads x.

assignment: a3_multichannel
function: conv2d_forward
expect: the padding is ignored
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    sh, sw = (stride, stride) if np.isscalar(stride) else tuple(stride)
    ph, pw = (padding, padding) if np.isscalar(padding) else tuple(padding)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape

    OH, OW = (H - KH) // sh + 1, (W - KW) // sw + 1
    y = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    y[n, f, i, j] = np.sum(x[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW] * w[f]) + b[f]
    return y
