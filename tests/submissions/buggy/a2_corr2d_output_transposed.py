"""Buggy submission (test data, never shipped): corr2d fills y[j, i] instead of y[i, j].

assignment: a2_correlation
function: corr2d
expect: the output is transposed
"""
# Only what differs from the reference: the test builds the whole submission as
# solutions/<assignment>.py followed by this file (see tests/course_helpers.py).

import numpy as np


def corr2d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    KH, KW = w.shape
    OH, OW = x.shape[0] - KH + 1, x.shape[1] - KW + 1
    y = np.zeros((OW, OH))
    for i in range(OH):
        for j in range(OW):
            y[j, i] = np.sum(x[i:i + KH, j:j + KW] * w)
    return y
