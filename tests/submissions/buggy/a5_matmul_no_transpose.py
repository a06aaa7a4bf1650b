"""Buggy submission (test data, never shipped): conv2d_matmul reshapes the product without transposing it.

assignment: a5_conv_as_matmul
function: conv2d_matmul
expect: was reshaped straight to (N, F, OH, OW)
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def conv2d_matmul(x, w, b, stride=1, padding=0):
    x, w, b = (np.asarray(a, dtype=float) for a in (x, w, b))
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError("x and w must be 4D with the same number of channels")
    N, F = x.shape[0], w.shape[0]
    cols = im2col(x, w.shape[2], w.shape[3], stride, padding)
    OH = (x.shape[2] + 2 * padding - w.shape[2]) // stride + 1
    OW = (x.shape[3] + 2 * padding - w.shape[3]) // stride + 1
    out = cols @ w.reshape(F, -1).T + b                    # (N, OH*OW, F)
    return out.reshape(N, F, OH, OW)                       # no transpose first
