"""Buggy submission (test data, never shipped): conv2d_forward adds the bias inside the loop over input channels.

assignment: a3_multichannel
function: conv2d_forward
expect: the bias is added once per input channel
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
