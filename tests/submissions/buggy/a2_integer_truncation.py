"""Buggy submission (test data, never shipped): corr2d stores its results in np.zeros_like(x), an integer array for integer x.

assignment: a2_correlation
function: corr2d
expect: integer array
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x), np.asarray(w)
    KH, KW = w.shape
    y = np.zeros_like(x[: x.shape[0] - KH + 1, : x.shape[1] - KW + 1])
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            y[i, j] = np.sum(x[i:i + KH, j:j + KW] * w)
    return y
