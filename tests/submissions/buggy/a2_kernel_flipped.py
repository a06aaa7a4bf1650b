"""Buggy submission (test data, never shipped): corr2d flips the kernel (it is convolve2d).

assignment: a2_correlation
function: corr2d
expect: the kernel is flipped
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    w = w[::-1, ::-1]
    KH, KW = w.shape
    OH, OW = x.shape[0] - KH + 1, x.shape[1] - KW + 1
    y = np.zeros((OH, OW))
    for i in range(OH):
        for j in range(OW):
            y[i, j] = np.sum(x[i:i + KH, j:j + KW] * w)
    return y
